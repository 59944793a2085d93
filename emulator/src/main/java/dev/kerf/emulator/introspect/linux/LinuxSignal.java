package dev.kerf.emulator.introspect.linux;

/**
 * A signal handler entered: a return to user mode that is no caller's return, with EAX the signal
 * number and the same number as the handler's first argument on the new frame.
 *
 * @param task    the thread that runs the handler (the one whose kernel entry it interrupts)
 * @param signal  the signal number
 * @param icount  icount of the return into the handler
 * @param handler the handler's address
 */
public record LinuxSignal(LinuxTask task, int signal, long icount, int handler) {
}
