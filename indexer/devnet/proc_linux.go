package devnet

import "syscall"

// childAttr makes a child process die with herald: the kernel sends it
// SIGKILL when the thread that started it exits. Go keeps that thread alive
// for the process's lifetime unless it is locked by a goroutine that exits,
// which the devnet never does.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
