/* kerf-exit STATUS: ends the run by writing STATUS (0..255) to the isa-debug-exit port 0xF4,
 * which QEMU (-device isa-debug-exit,iobase=0xf4,iosize=0x04) turns into the exit status
 * (STATUS << 1) | 1 and kerf into the end of the recording with STATUS.
 * Console output still queued in the serial driver is drained first, so nothing is lost. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: kerf-exit STATUS\n");
        return 2;
    }
    char *end;
    long status = strtol(argv[1], &end, 10);
    if (*argv[1] == 0 || *end != 0 || status < 0 || status > 255) {
        fprintf(stderr, "kerf-exit: %s: not a status 0..255\n", argv[1]);
        return 2;
    }
    if (ioperm(0xf4, 4, 1) < 0) {
        perror("kerf-exit: ioperm 0xf4");
        return 1;
    }
    tcdrain(1);
    tcdrain(2);
    outb((unsigned char)status, 0xf4);
    /* not reached unless nothing listens on port 0xF4 */
    fprintf(stderr, "kerf-exit: port 0xf4 did not end the run\n");
    return 1;
}
