package dev.kerf.emulator.loader;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.machine.BootException;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.mmu.PhysicalMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultibootLoaderTest {
    private static final int RAM = 4 << 20;
    private static final byte[] CODE = {(byte) 0xF4, (byte) 0xEB, (byte) 0xFD}; // hlt; jmp -3

    @TempDir
    Path dir;

    private Cpu boot(byte[] kernel, String cmdline, List<MachineConfig.Module> modules) throws IOException {
        Path k = write("k.elf", kernel);
        Cpu cpu = new Cpu(new PhysicalMemory(RAM), null);
        cpu.memory.fill(0, cpu.memory.size(), (byte) 0x55); // bss must be zeroed, not just "still zero"
        MachineConfig config = new MachineConfig(k, cmdline, modules, RAM, true, null, null, null, 0, null, null);
        MultibootLoader.boot(config, cpu);
        return cpu;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static String cString(PhysicalMemory m, int at) {
        int end = at;
        while (m.read8(end) != 0) end++;
        return new String(m.array(), at, end - at, StandardCharsets.UTF_8);
    }

    @Test
    void loadsElfSegmentsZeroesBssAndSetsMultibootCpuState() throws IOException {
        Cpu cpu = boot(TestKernels.elf(CODE, 0x2000), "", List.of());
        PhysicalMemory m = cpu.memory;
        assertThat(m.read32(0x100000)).isEqualTo(0x1BADB002);
        assertThat(m.read8(0x10000C)).isEqualTo(0xF4);
        assertThat(m.read8(0x10000F)).isZero();
        assertThat(m.read8(0x10000F + 0x1FFF)).isZero();
        assertThat(cpu.eip).isEqualTo(0x10000C);
        assertThat(cpu.reg[Cpu.EAX]).isEqualTo(0x2BADB002);
        assertThat(cpu.reg[Cpu.EBX]).isEqualTo(MultibootLayout.INFO_ADDR);
        assertThat(cpu.cr0 & 1).isEqualTo(1);
        assertThat(cpu.cpl).isZero();
        assertThat(cpu.getEflags() & 0x200).as("IF clear").isZero();
        assertThat(cpu.seg[Cpu.CS].big()).isTrue();
        assertThat(cpu.seg[Cpu.CS].limit).isEqualTo(0xFFFFFFFF);
        assertThat(cpu.seg[Cpu.SS].base).isZero();
        assertThat(m.read32(cpu.gdtBase + 12)).as("GDT code descriptor high").isEqualTo(0x00CF9B00);
    }

    @Test
    void infoStructHasMemoryCmdlineModulesMapAndLoaderName() throws IOException {
        Path mod1 = write("one.bin", "first module".getBytes(StandardCharsets.US_ASCII));
        Path mod2 = write("two.tar", new byte[5000]);
        Cpu cpu = boot(TestKernels.elf(CODE, 0x10), "scenario=selftest",
                List.of(new MachineConfig.Module(mod1, "a=1"), new MachineConfig.Module(mod2, "")));
        PhysicalMemory m = cpu.memory;
        int info = MultibootLayout.INFO_ADDR;
        assertThat(m.read32(info)).isEqualTo(0x24F);
        assertThat(m.read32(info + 4)).isEqualTo(639);
        assertThat(m.read32(info + 8)).isEqualTo((RAM - 0x100000) / 1024);
        assertThat(cString(m, m.read32(info + 16))).isEqualTo(dir.resolve("k.elf") + " scenario=selftest");
        assertThat(cString(m, m.read32(info + 64))).isEqualTo("kerf");
        assertThat(m.read32(info + 20)).isEqualTo(2);
        int mods = m.read32(info + 24);
        int start1 = m.read32(mods), end1 = m.read32(mods + 4);
        int start2 = m.read32(mods + 16), end2 = m.read32(mods + 20);
        assertThat(start1 & 0xFFF).isZero();
        assertThat(start2 & 0xFFF).isZero();
        assertThat(start1).isGreaterThanOrEqualTo(0x101000);
        assertThat(end1 - start1).isEqualTo(12);
        assertThat(start2).isGreaterThanOrEqualTo(end1);
        assertThat(end2 - start2).isEqualTo(5000);
        assertThat(new String(m.array(), start1, 12, StandardCharsets.US_ASCII)).isEqualTo("first module");
        assertThat(cString(m, m.read32(mods + 8))).isEqualTo(mod1 + " a=1");
        assertThat(cString(m, m.read32(mods + 24))).isEqualTo(mod2.toString());
        assertThat(m.read32(info + 44)).isEqualTo(4 * 24);
        int mmap = m.read32(info + 48);
        assertThat(mmapEntry(m, mmap)).containsExactly(20, 0, 0x9FC00, 1);
        assertThat(mmapEntry(m, mmap + 24)).containsExactly(20, 0x9FC00, 0x400, 2);
        assertThat(mmapEntry(m, mmap + 48)).containsExactly(20, 0xF0000, 0x10000, 2);
        assertThat(mmapEntry(m, mmap + 72)).containsExactly(20, 0x100000, RAM - 0x100000, 1);
    }

    private static int[] mmapEntry(PhysicalMemory m, int at) {
        assertThat(m.read32(at + 8)).isZero();
        assertThat(m.read32(at + 16)).isZero();
        return new int[] {m.read32(at), m.read32(at + 4), m.read32(at + 12), m.read32(at + 20)};
    }

    @Test
    void higherHalfKernelStartsAtThePhysicalCopyOfItsEntry() throws IOException {
        byte[] elf = TestKernels.elf(CODE, 0);
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putInt(24, 0xC010000C).putInt(52 + 8, 0xC0100000);
        Cpu cpu = boot(elf, "", List.of());
        assertThat(cpu.eip).isEqualTo(0x10000C);
        assertThat(cpu.memory.read8(0x10000C)).isEqualTo(0xF4);
    }

    @Test
    void aoutKludgeKernelLoadsAtItsHeaderAddresses() throws IOException {
        Cpu cpu = boot(TestKernels.kludge(CODE, 0x100), "", List.of());
        assertThat(cpu.eip).isEqualTo(0x100020);
        assertThat(cpu.memory.read8(0x100020)).isEqualTo(0xF4);
        assertThat(cpu.memory.read8(0x100023 + 0xFF)).isZero();
    }

    @Test
    void rejectsNonElf() {
        assertThatThrownBy(() -> boot("just some text, not a kernel".getBytes(), "", List.of()))
                .isInstanceOf(BootException.class).hasMessageContaining("k.elf").hasMessageContaining("offset 0")
                .hasMessageContaining("not an ELF file");
    }

    @Test
    void rejectsTruncatedHeaderAndSegments() {
        byte[] elf = TestKernels.elf(CODE, 0);
        assertThatThrownBy(() -> boot(Arrays.copyOf(elf, 30), "", List.of()))
                .isInstanceOf(BootException.class).hasMessageContaining("truncated ELF header");
        assertThatThrownBy(() -> boot(Arrays.copyOf(elf, 0x1004), "", List.of()))
                .isInstanceOf(BootException.class).hasMessageContaining("offset 0x34")
                .hasMessageContaining("runs past the end of the file");
    }

    @Test
    void rejectsWrongClassAndMachine() {
        byte[] elf64 = TestKernels.elf(CODE, 0);
        elf64[4] = 2;
        assertThatThrownBy(() -> boot(elf64, "", List.of())).hasMessageContaining("offset 4: not a 32-bit ELF");
        byte[] arm = TestKernels.elf(CODE, 0);
        arm[18] = 40;
        assertThatThrownBy(() -> boot(arm, "", List.of())).hasMessageContaining("offset 18: ELF machine 40");
    }

    @Test
    void rejectsElfWithoutMultibootHeaderOrWithBadChecksum() {
        byte[] elf = TestKernels.elf(CODE, 0);
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putInt(TestKernels.CODE_OFFSET + 8, 0);
        assertThatThrownBy(() -> boot(elf, "", List.of())).isInstanceOf(BootException.class)
                .hasMessageContaining("no Multiboot header");
    }

    @Test
    void rejectsUnsupportedRequiredFlags() {
        byte[] elf = TestKernels.elf(CODE, 0);
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putInt(TestKernels.CODE_OFFSET + 4, 0x10)
                .putInt(TestKernels.CODE_OFFSET + 8, -(0x1BADB002 + 0x10));
        assertThatThrownBy(() -> boot(elf, "", List.of())).hasMessageContaining("unsupported features");
    }

    @Test
    void rejectsSegmentOutsideRam() {
        byte[] elf = TestKernels.elf(CODE, RAM);
        assertThatThrownBy(() -> boot(elf, "", List.of())).isInstanceOf(BootException.class)
                .hasMessageContaining("segment 0").hasMessageContaining("outside RAM");
    }

    @Test
    void rejectsModuleThatDoesNotFit() throws IOException {
        Path big = write("big.img", new byte[RAM - 0x100000]);
        assertThatThrownBy(() -> boot(TestKernels.elf(CODE, 0), "", List.of(new MachineConfig.Module(big, ""))))
                .isInstanceOf(BootException.class).hasMessageContaining("big.img")
                .hasMessageContaining("does not fit in RAM");
        Path huge = write("huge.img", new byte[RAM + 1]);
        assertThatThrownBy(() -> boot(TestKernels.elf(CODE, 0), "", List.of(new MachineConfig.Module(huge, ""))))
                .isInstanceOf(BootException.class).hasMessageContaining("huge.img")
                .hasMessageContaining("does not fit in RAM");
    }

    @Test
    void rejectsMissingFile() {
        Cpu cpu = new Cpu(new PhysicalMemory(RAM), null);
        Path missing = dir.resolve("nope.elf");
        MachineConfig config = new MachineConfig(missing, "", List.of(), RAM, true, null, null, null, 0, null, null);
        assertThatThrownBy(() -> MultibootLoader.boot(config, cpu)).isInstanceOf(BootException.class)
                .hasMessage(missing + ": no such kernel file");
    }
}
