//go:build !amd64

package search

// DetectCaps on a non-x86-64 host describes a baseline x86-64 CPU: the
// package still works for tools that inspect x86-64 trees elsewhere.
func DetectCaps(atPlatform string) Caps {
	return cpuFeatures{}.caps(atPlatform)
}
