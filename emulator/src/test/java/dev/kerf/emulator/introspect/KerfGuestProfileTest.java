package dev.kerf.emulator.introspect;

import dev.kerf.emulator.mmu.PhysicalMemory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading and checking the kernel's export without a running CPU: a well-formed one, and hostile ones. */
class KerfGuestProfileTest {
    private static final int AT = KerfGuestProfile.EXPORT_ADDRESS;
    private PhysicalMemory memory;

    /** The version 1.0 export exactly as docs/guest.md gives it. */
    @BeforeEach
    void writeTheDocumentedExport() {
        memory = new PhysicalMemory(4 << 20);
        byte[] magic = "KERFINTR".getBytes(StandardCharsets.US_ASCII);
        memory.load(AT, magic, 0, magic.length);
        memory.write16(AT + 8, 1);
        memory.write16(AT + 10, 0);
        int[] fields = {136, 0x104000, 148, 32, 0x105000, 0, 4, 12, 16, 8, 28, 32, 36, 40, 52, 68, 76, 8192,
                0, 1, 2, 3, 4, 5, 0x08000000, 0xC0000000, 0x02000000, 0x105004, 100, 0x80, 0x105100};
        for (int i = 0; i < fields.length; i++) memory.write32(AT + 12 + 4 * i, fields[i]);
    }

    @Test
    void readsTheDocumentedFields() {
        KerfGuestProfile p = KerfGuestProfile.read(memory);
        assertThat(p.procTable()).isEqualTo(0x104000);
        assertThat(p.procSize()).isEqualTo(148);
        assertThat(p.procCount()).isEqualTo(32);
        assertThat(p.currentPtr()).isEqualTo(0x105000);
        assertThat(p.offPid()).isZero();
        assertThat(p.offPpid()).isEqualTo(4);
        assertThat(p.offName()).isEqualTo(12);
        assertThat(p.nameLen()).isEqualTo(16);
        assertThat(p.offState()).isEqualTo(8);
        assertThat(p.offCr3()).isEqualTo(28);
        assertThat(p.offExitStatus()).isEqualTo(52);
        assertThat(p.offTrapFrame()).isEqualTo(68);
        assertThat(p.stateUnused()).isZero();
        assertThat(p.stateZombie()).isEqualTo(5);
        assertThat(p.syscallVector()).isEqualTo(0x80);
        assertThat(p.isExitCall(1)).isTrue();
        assertThat(p.isExitCall(252)).isTrue();
        assertThat(p.isExitCall(2)).isFalse();
        assertThat(p.exitStatusOf(1, new int[] {0x103, 0, 0, 0, 0})).isEqualTo(0x300);
    }

    @Test
    void aLaterMinorWithAppendedFieldsIsRead() {
        memory.write16(AT + 10, 3);
        memory.write32(AT + 12, 140);
        assertThat(KerfGuestProfile.read(memory).versionMinor()).isEqualTo(3);
    }

    @Test
    void aWrongMagicIsRefusedInOneLine() {
        memory.write8(AT, 'X');
        assertRefused("magic is not KERFINTR");
    }

    @Test
    void anotherMajorVersionIsRefused() {
        memory.write16(AT + 8, 2);
        assertRefused("version 2.0 is not supported (this kerf reads version 1.x)");
    }

    @Test
    void badSizesAreRefused() {
        memory.write32(AT + 12, 100);
        assertRefused("size 100 is not between 136 and 4096");
        writeTheDocumentedExport();
        memory.write32(AT + 12, 0x7FFFFFFF);
        assertRefused("size 2147483647 is not between");
        writeTheDocumentedExport();
        memory.write32(AT + 24, 0xFFFFFFFF);
        assertRefused("proc_count 4294967295 is not 1-4096");
        writeTheDocumentedExport();
        memory.write32(AT + 16, 0x3FFFF0);
        assertRefused("the process table at 0x003ffff0 (32 x 148 bytes) is outside RAM");
        writeTheDocumentedExport();
        memory.write32(AT + 40, 140);
        assertRefused("off_name 140 does not fit a 148-byte process record");
    }

    @Test
    void ramTooSmallForTheExportIsRefused() {
        assertThatThrownBy(() -> KerfGuestProfile.read(new PhysicalMemory(1 << 20)))
                .isInstanceOf(IntrospectionException.class).hasMessageContaining("RAM ends before it");
    }

    private void assertRefused(String why) {
        assertThatThrownBy(() -> KerfGuestProfile.read(memory)).isInstanceOf(IntrospectionException.class)
                .hasMessageStartingWith("the guest kernel's introspection export at physical 0x00100020: ")
                .hasMessageContaining(why).hasMessageNotContaining("\n");
    }
}
