// Placeholder replaced below once the database test helpers exist.
export default function setup() {}
