package memstore

// WalkEverySearch makes every search with a limit walk the ranks (walkRanks) and never give up,
// until the returned function restores the default.
func WalkEverySearch() (restore func()) {
	walkEvery = true
	return func() { walkEvery = false }
}
