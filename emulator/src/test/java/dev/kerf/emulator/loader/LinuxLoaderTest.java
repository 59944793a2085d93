package dev.kerf.emulator.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.machine.BootException;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.testkit.BzImages;
import dev.kerf.testkit.BzImages.Header;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Linux 32-bit boot protocol on crafted bzImages: what lands where, the CPU state, and the refusals. */
class LinuxLoaderTest {
    private static final int RAM = 8 << 20;
    private static final int ZP = LinuxLoader.ZERO_PAGE;

    private static Cpu cpu() {
        Cpu cpu = new Cpu(new PhysicalMemory(RAM), null);
        cpu.memory.fill(0, cpu.memory.size(), (byte) 0x55); // the zero page must be zeroed, not "still zero"
        return cpu;
    }

    private static Cpu boot(byte[] image, String cmdline, byte[]... initrds) {
        Cpu cpu = cpu();
        List<BootModule> modules = Arrays.stream(initrds).map(d -> MultibootLoader.module("initrd.img", d, "")).toList();
        MultibootLoader.boot("vmlinuz", image, cmdline, modules, cpu);
        return cpu;
    }

    private static String cString(PhysicalMemory m, int at) {
        int end = at;
        while (m.read8(end) != 0) end++;
        return new String(m.array(), at, end - at, StandardCharsets.UTF_8);
    }

    @Test
    void aRelocatableImageLoadsAtPrefAddressWithTheZeroPageAndTheBootCpuState() {
        byte[] image = BzImages.image(Header.standard());
        byte[] initrd = "INITRD-BYTES".getBytes(StandardCharsets.US_ASCII);
        Cpu cpu = boot(image, "console=ttyS0 root=/dev/ram0", initrd);
        PhysicalMemory m = cpu.memory;

        assertThat(Arrays.copyOfRange(m.array(), 0x200000, 0x200000 + 64)).isEqualTo(Arrays.copyOfRange(image, 1024, 1088));
        assertThat(cpu.eip).isEqualTo(0x200000);
        assertThat(cpu.reg[Cpu.ESI]).isEqualTo(ZP);
        for (int r : new int[] {Cpu.EAX, Cpu.EBX, Cpu.ECX, Cpu.EDX, Cpu.EBP, Cpu.EDI}) assertThat(cpu.reg[r]).isZero();
        assertThat(cpu.seg[Cpu.CS].selector).isEqualTo(0x10);
        for (int s : new int[] {Cpu.DS, Cpu.ES, Cpu.SS}) assertThat(cpu.seg[s].selector).isEqualTo(0x18);
        assertThat(cpu.getEflags() & (1 << 9)).as("IF").isZero();
        assertThat(cpu.cr0 & 1).as("PE").isEqualTo(1);
        assertThat(cpu.cr0 & 0x80000000).as("PG").isZero();
        assertThat(cpu.gdtLimit).isEqualTo(31);
        assertThat(m.read32(cpu.gdtBase + 0x10 + 4) & 0x00F0FE00).as("code: present, exec/read, 4 KiB pages, 32-bit").isEqualTo(0x00C09A00);
        assertThat(m.read32(cpu.gdtBase + 0x18 + 4) & 0x00F0FE00).as("data: present, read/write").isEqualTo(0x00C09200);

        // the header copied, then the loader's fields
        assertThat(m.read32(ZP + 0x202)).isEqualTo(0x53726448);
        assertThat(m.read16(ZP + 0x206)).isEqualTo(0x020F);
        assertThat(m.read16(ZP + 0x1FE)).isEqualTo(0xAA55);
        assertThat(m.read8(ZP + 0x210)).as("type_of_loader").isEqualTo(0xFF);
        assertThat(m.read8(ZP + 0x211)).as("loadflags").isEqualTo(0x81);
        assertThat(m.read16(ZP + 0x224)).as("heap_end_ptr").isEqualTo(0xFE00);
        assertThat(m.read32(ZP + 0x214)).as("code32_start").isEqualTo(0x200000);
        assertThat(cString(m, m.read32(ZP + 0x228))).isEqualTo("console=ttyS0 root=/dev/ram0");
        int rd = m.read32(ZP + 0x218);
        assertThat(m.read32(ZP + 0x21C)).isEqualTo(initrd.length);
        assertThat(rd & 0xFFF).isZero();
        assertThat(rd).as("as high as RAM allows").isEqualTo(RAM - 4096);
        assertThat(Arrays.copyOfRange(m.array(), rd, rd + initrd.length)).isEqualTo(initrd);
        assertThat(m.read32(ZP + 0x1E0)).as("alt_mem_k").isEqualTo((RAM >> 10) - 1024);
        assertThat(m.read16(ZP + 0x002)).as("ext_mem_k").isEqualTo((RAM >> 10) - 1024);
        assertThat(m.read32(ZP + 0x100)).as("the rest of the zero page is zero").isZero();

        // e820: low RAM, EBDA, BIOS area, RAM from 1 MiB to the end
        assertThat(m.read8(ZP + 0x1E8)).isEqualTo(4);
        long[][] expected = {{0, 0x9FC00, 1}, {0x9FC00, 0x400, 2}, {0xF0000, 0x10000, 2}, {0x100000, RAM - 0x100000, 1}};
        for (int i = 0; i < 4; i++) {
            int e = ZP + 0x2D0 + 20 * i;
            assertThat(new long[] {m.read32(e), m.read32(e + 8), m.read32(e + 16)}).as("e820[%d]", i).isEqualTo(expected[i]);
            assertThat(m.read32(e + 4) | m.read32(e + 12)).isZero();
        }
        assertThat(m.read32(ZP + 0x2D0 + 80)).as("no fifth entry").isZero();
    }

    @Test
    void aNonRelocatableImageLoadsAt1MiBAndWithoutInitrdTheRamdiskFieldsAreZero() {
        Cpu cpu = boot(BzImages.image(Header.standard().withRelocatable(false)), "");
        assertThat(cpu.eip).isEqualTo(0x100000);
        assertThat(cpu.memory.read32(ZP + 0x214)).isEqualTo(0x100000);
        assertThat(cpu.memory.read32(ZP + 0x218)).isZero();
        assertThat(cpu.memory.read32(ZP + 0x21C)).isZero();
        assertThat(cString(cpu.memory, cpu.memory.read32(ZP + 0x228))).isEmpty();
    }

    @Test
    void theInitrdStaysBelowInitrdAddrMax() {
        Cpu cpu = boot(BzImages.image(Header.standard().withInitrdAddrMax(0x5FFFFF)), "", new byte[5000]);
        assertThat(cpu.memory.read32(ZP + 0x218)).isEqualTo(0x600000 - 8192);
    }

    @Test
    void aProtocolOlderThan206IsRefusedNamingTheVersion() {
        assertThatThrownBy(() -> boot(BzImages.image(Header.standard().withVersion(0x0205)), ""))
                .isInstanceOf(BootException.class)
                .hasMessage("vmlinuz: offset 0x206: Linux boot protocol 2.05 is older than 2.06, the oldest kerf loads"
                        + " (it needs cmdline_size)");
    }

    @Test
    void aTruncatedImageIsRefusedBySetupSectsOrBySyssize() {
        byte[] image = BzImages.image(Header.standard());
        byte[] sects = image.clone();
        sects[0x1F1] = 9;
        assertThatThrownBy(() -> boot(sects, "")).isInstanceOf(BootException.class)
                .hasMessage("vmlinuz: offset 0x1f1: truncated: setup_sects 9 puts the protected-mode kernel at offset"
                        + " 0x1400, past the end of the file (1088 bytes)");
        byte[] cut = Arrays.copyOf(image, image.length - 16);
        assertThatThrownBy(() -> boot(cut, "")).isInstanceOf(BootException.class)
                .hasMessage("vmlinuz: offset 0x1f4: truncated: syssize says 64 bytes of protected-mode kernel from"
                        + " offset 0x400, but the file has 48");
        assertThatThrownBy(() -> boot(BzImages.image(Header.standard().withSyssize(0)), "")).isInstanceOf(BootException.class)
                .hasMessageContaining("offset 0x1f4: truncated: syssize says 0 bytes");
    }

    @Test
    void anInitrdThatDoesNotFitBelowInitrdAddrMaxOrInRamIsRefused() {
        byte[] image = BzImages.image(Header.standard());
        assertThatThrownBy(() -> boot(image, "", new byte[RAM - (2 << 20)]))
                .isInstanceOf(BootException.class)
                .hasMessage("initrd.img: the initrd (6291456 bytes) does not fit in RAM between the kernel's end 0x203000"
                        + " and 0x800000 (initrd_addr_max 0x7fffffff, RAM 8 MiB; see --mem)");
        assertThatThrownBy(() -> boot(BzImages.image(Header.standard().withInitrdAddrMax(0x1FFFFF)), "", new byte[10]))
                .isInstanceOf(BootException.class).hasMessageContaining("between the kernel's end 0x203000 and 0x200000");
    }

    @Test
    void aCommandLineLongerThanCmdlineSizeIsRefused() {
        byte[] image = BzImages.image(Header.standard().withCmdlineSize(16));
        boot(image, "0123456789abcdef"); // exactly cmdline_size: fine
        assertThatThrownBy(() -> boot(image, "0123456789abcdefg")).isInstanceOf(BootException.class)
                .hasMessage("vmlinuz: offset 0x238: the command line is 17 bytes, longer than the kernel's cmdline_size (16)");
    }

    @Test
    void moreThanOneInitrdIsRefused() {
        assertThatThrownBy(() -> boot(BzImages.image(Header.standard()), "", new byte[1], new byte[1]))
                .isInstanceOf(BootException.class).hasMessage("vmlinuz: a Linux kernel takes one initrd, not 2 modules");
    }

    @Test
    void aFileWithoutTheMagicIsStillAMultibootCandidate() {
        byte[] image = BzImages.image(Header.standard());
        image[0x202] = 'h';
        assertThat(BzImage.hasMagic(image)).isFalse();
        assertThatThrownBy(() -> boot(image, "")).isInstanceOf(BootException.class).hasMessageContaining("not an ELF file");
    }
}
