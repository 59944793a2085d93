package dev.kerf.emulator.introspect.linux;

import dev.kerf.emulator.introspect.GuestProfile.OutputBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The buffers an i386 Linux call fills, as process slices keep them whole (docs/slicing.md, "Linux
 * recordings"): from the system-call table's argument kinds, plus the pointers it does not type.
 */
class LinuxOutputBuffersTest {
    private final LinuxGuestProfile profile = new LinuxGuestProfile(LinuxProfileFileTest.LAYOUT);

    @Test
    void readFillsTheResultsLengthAndNothingWhenItFails() {
        assertThat(profile.outputBuffers(3, new int[] {0, 0xBF00_1000, 128, 0, 0}, 17)).containsExactly(new OutputBuffer(0xBF00_1000, 17));
        assertThat(profile.outputBuffers(3, new int[] {0, 0xBF00_1000, 128, 0, 0}, 0)).isEmpty(); // end of file
        assertThat(profile.outputBuffers(3, new int[] {0, 0xBF00_1000, 128, 0, 0}, -14)).isEmpty(); // -EFAULT
        assertThat(profile.outputBuffers(85, new int[] {0x0804_9000, 0xBF00_2000, 4096, 0, 0}, 9)) // readlink
                .containsExactly(new OutputBuffer(0xBF00_2000, 9));
    }

    @Test
    void structuresHaveTheirI386Sizes() {
        assertThat(profile.outputBuffers(197, new int[] {3, 0xBF00_3000, 0, 0, 0}, 0)).containsExactly(new OutputBuffer(0xBF00_3000, 96)); // fstat64
        assertThat(profile.outputBuffers(108, new int[] {3, 0xBF00_3000, 0, 0, 0}, 0)).containsExactly(new OutputBuffer(0xBF00_3000, 64)); // fstat
        assertThat(profile.outputBuffers(122, new int[] {0xBF00_4000, 0, 0, 0, 0}, 0)).containsExactly(new OutputBuffer(0xBF00_4000, 390)); // uname
        assertThat(profile.outputBuffers(42, new int[] {0xBF00_5000, 0, 0, 0, 0}, 0)).containsExactly(new OutputBuffer(0xBF00_5000, 8)); // pipe
        assertThat(profile.outputBuffers(220, new int[] {3, 0x0900_0000, 32768, 0, 0}, 240)) // getdents64
                .containsExactly(new OutputBuffer(0x0900_0000, 240));
    }

    @Test
    void aWaitStatusOnlyForAReapedChildAndNoneForANullPointer() {
        assertThat(profile.outputBuffers(114, new int[] {-1, 0xBF00_6000, 0, 0, 0}, 93)).containsExactly(new OutputBuffer(0xBF00_6000, 4)); // wait4
        assertThat(profile.outputBuffers(114, new int[] {-1, 0, 0, 0, 0}, 93)).isEmpty();
        assertThat(profile.outputBuffers(4, new int[] {1, 0x0804_a000, 12, 0, 0}, 12)).isEmpty(); // write fills nothing
        assertThat(profile.outputBuffers(9999, new int[5], 0)).isEmpty(); // no such call
    }
}
