//go:build unix && !linux

package pglaunch

import (
	"errors"
	"syscall"
)

// sysProcAttr puts the child in its own process group, so a Ctrl-C in
// herald's terminal reaches herald only and herald decides when the server
// stops. Outside Linux there is no parent-death signal: a server whose herald
// was killed keeps running until stopped by hand.
func sysProcAttr(acct *account) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if acct != nil {
		attr.Credential = &syscall.Credential{Uid: acct.uid, Gid: acct.gid}
	}
	return attr
}

// processExited reports whether process pid has exited. A zombie cannot be
// told from a live process here, so it counts as alive.
func processExited(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
