// The usage package's API arrives with its issue; this file keeps the workspace building.
export {}
