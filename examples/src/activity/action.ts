/**
 * What a request did, recognised from its method and path. `view` is any page or API read; `other`
 * is a write the analysis does not name (deleting a message, say).
 */
export type Action =
  | 'sign_up'
  | 'profile_update'
  | 'photo_upload'
  | 'career_entry'
  | 'education_entry'
  | 'message'
  | 'like'
  | 'friend_request'
  | 'friend_accept'
  | 'view'
  | 'other'

export const actions: readonly Action[] = [
  'sign_up',
  'profile_update',
  'photo_upload',
  'career_entry',
  'education_entry',
  'message',
  'like',
  'friend_request',
  'friend_accept',
  'view',
  'other',
]
