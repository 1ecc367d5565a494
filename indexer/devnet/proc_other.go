//go:build !linux

package devnet

import "syscall"

// childAttr has no parent-death signal to set outside Linux: there a node
// outlives herald if herald is killed before Stop runs.
func childAttr() *syscall.SysProcAttr { return nil }
