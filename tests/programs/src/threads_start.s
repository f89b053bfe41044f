# threads_start.s — wasi_thread_start for threads.c (wasi-threads ABI): a
# spawned thread's instance starts here with (tid, start_arg); it switches
# to the stack whose top is the first word of *start_arg (C cannot set the
# stack pointer), then calls thread_main(tid, start_arg).
	.text
	.globaltype	__stack_pointer, i32
	.functype	thread_main (i32, i32) -> ()
	.globl	wasi_thread_start
	.type	wasi_thread_start,@function
wasi_thread_start:
	.functype	wasi_thread_start (i32, i32) -> ()
	local.get	1
	i32.load	0
	global.set	__stack_pointer
	local.get	0
	local.get	1
	call	thread_main
	end_function
