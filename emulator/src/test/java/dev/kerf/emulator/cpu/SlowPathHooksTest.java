package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.PmodeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.hook.Cr3Hook;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.PortHook;
import dev.kerf.emulator.hook.PrivilegeHook;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The slow-path hooks (interrupt, privilege, CR3, port) through {@link Cpu#run(long)}: what they
 * are told and the CPU state they see, on a paged protected-mode machine with a ring-3 program.
 */
class SlowPathHooksTest {
    private final PmodeFixture f = new PmodeFixture().defaultGates().paging();
    private final Cpu cpu = f.cpu;
    private final List<String> log = new ArrayList<>();

    private void recordInterruptsAndPrivilege() {
        cpu.hooks.add((InterruptHook) (c, vector, source, errorCode) -> log.add(String.format(
                "int %x %s code=%d cpl=%d eip=%x esp=%x", vector, source, errorCode, c.cpl, c.eip, c.reg[Cpu.ESP])));
        cpu.hooks.add((PrivilegeHook) (c, from, to) -> log.add(String.format(
                "cpl %d->%d now=%d eip=%x cs=%x", from, to, c.cpl, c.eip, c.seg[Cpu.CS].selector)));
    }

    @Test
    void systemCallFromRing3SeesTheInterruptedStateThenBothPrivilegeChanges() {
        recordInterruptsAndPrivilege();
        f.gate(0x80, KCODE, 0xD000, 0xE, 3, true);
        f.put(0xD000, 0x43, 0xCF);                      // inc ebx; iretd
        f.put(USER_CODE,
                0xB8, 0x2A, 0x00, 0x00, 0x00,           // mov eax, 42
                0xCD, 0x80,                             // int 0x80
                0xF4);                                  // hlt: #GP in ring 3
        f.put(handler(Vectors.GP), 0xF4);               // hlt
        f.ring3(USER_CODE, USER_STACK_TOP);

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log).containsExactly(
                "int 80 SOFTWARE code=-1 cpl=3 eip=101007 esp=180000",
                "cpl 3->0 now=0 eip=d000 cs=8",
                "cpl 0->3 now=3 eip=101007 cs=1b",
                "int d EXCEPTION code=0 cpl=3 eip=101007 esp=180000",
                "cpl 3->0 now=0 eip=c0d0 cs=8");
    }

    @Test
    void pageFaultInRing3IsReportedAtTheFaultingInstructionWithItsErrorCode() {
        recordInterruptsAndPrivilege();
        f.put(handler(Vectors.PF), 0xF4);
        f.put(USER_CODE,
                0x90,                                   // nop
                0xA1, 0x00, 0x80, 0x00, 0x00);          // mov eax, [0x8000]: supervisor page
        f.ring3(USER_CODE, USER_STACK_TOP);

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log).containsExactly(
                "int e EXCEPTION code=5 cpl=3 eip=101001 esp=180000",
                "cpl 3->0 now=0 eip=c0e0 cs=8");
    }

    @Test
    void externalInterruptInRing0HasNoErrorCodeAndNoPrivilegeChange() {
        CpuRig.FakeBus bus = new CpuRig.FakeBus();
        PmodeFixture g = new PmodeFixture(bus).defaultGates();
        g.gate(0x20, KCODE, 0xD100, 0xE, 0, true);
        g.put(0xD100, 0xF4);
        g.put(0x1000, 0x90, 0x90, 0xEB, 0xFE);          // nop; nop; jmp $
        g.cpu.setEflags(0x202);
        List<String> seen = new ArrayList<>();
        g.cpu.hooks.add((InterruptHook) (c, v, s, code) -> seen.add(v + " " + s + " " + code + " " + Integer.toHexString(c.eip)));
        g.cpu.hooks.add((PrivilegeHook) (c, from, to) -> seen.add("cpl"));

        g.cpu.run(2);
        bus.irq = true;
        g.cpu.run(10);

        assertThat(seen).containsExactly("32 EXTERNAL -1 1002");
    }

    @Test
    void faultWhileDeliveringAnIntIsReportedTwiceTheIntThenTheGp() {
        recordInterruptsAndPrivilege();
        f.gate(0x81, KCODE, 0xD000, 0xE, 0, true);      // DPL 0: INT from ring 3 is #GP
        f.put(handler(Vectors.GP), 0xF4);
        f.put(USER_CODE, 0xCD, 0x81);
        f.ring3(USER_CODE, USER_STACK_TOP);

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(log).containsExactly(
                "int 81 SOFTWARE code=-1 cpl=3 eip=101002 esp=180000",
                "int d EXCEPTION code=1034 cpl=3 eip=101000 esp=180000",
                "cpl 3->0 now=0 eip=c0d0 cs=8");
    }

    @Test
    void farReturnToRing3ReportsThePrivilegeChange() {
        recordInterruptsAndPrivilege();
        f.memory.write32(KERNEL_STACK_TOP - 16, USER_CODE);
        f.memory.write32(KERNEL_STACK_TOP - 12, UCODE);
        f.memory.write32(KERNEL_STACK_TOP - 8, USER_STACK_TOP);
        f.memory.write32(KERNEL_STACK_TOP - 4, UDATA);
        f.put(0x1000, 0xCB);                            // retf
        f.put(USER_CODE, 0x90, 0xEB, 0xFE);
        cpu.eip = 0x1000;
        cpu.reg[Cpu.ESP] = KERNEL_STACK_TOP - 16;

        cpu.run(3);

        assertThat(log).containsExactly("cpl 0->3 now=3 eip=101000 cs=1b");
    }

    @Test
    void movCr3ReportsOldAndNewValueAfterTheWrite() {
        List<String> seen = new ArrayList<>();
        cpu.hooks.add((Cr3Hook) (c, oldCr3, newCr3) -> seen.add(String.format("%x->%x now=%x", oldCr3, newCr3, c.cr3)));
        f.put(0x1000,
                0xB8, 0x00, 0x00, 0x01, 0x00,           // mov eax, 0x10000 (the same directory)
                0x0F, 0x22, 0xD8,                       // mov cr3, eax
                0xF4);
        cpu.eip = 0x1000;

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(seen).containsExactly("10000->10000 now=10000");
    }

    @Test
    void portHookSeesInOutAndEveryIterationOfInsAndOuts() {
        CpuRig rig = new CpuRig();
        List<String> seen = new ArrayList<>();
        rig.cpu.hooks.add(new PortHook() {
            @Override public void in(Cpu c, int port, int size, int value) { seen.add(String.format("in %x/%d=%x", port, size, value)); }
            @Override public void out(Cpu c, int port, int size, int value) { seen.add(String.format("out %x/%d=%x", port, size, value)); }
        });
        rig.bus.inValue = 0x41;
        rig.ram.write32(CpuRig.DATA, 0x44434241);
        rig.r[Cpu.EDX] = 0x3F8;
        rig.r[Cpu.ESI] = CpuRig.DATA;
        rig.r[Cpu.EDI] = CpuRig.DATA + 0x100;
        rig.r[Cpu.ECX] = 2;
        rig.code("ec" + "e6 80" + "f3 6c" + "b9 03 00 00 00" + "f3 6e" + "66 e5 71" + "f4");
        // in al, dx; out 0x80, al; rep insb; mov ecx, 3; rep outsb; in ax, 0x71; hlt

        assertThat(rig.cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(seen).containsExactly("in 3f8/1=41", "out 80/1=41", "in 3f8/1=41", "in 3f8/1=41",
                "out 3f8/1=41", "out 3f8/1=42", "out 3f8/1=43", "in 71/2=41");
        assertThat(rig.ram.read8(CpuRig.DATA + 0x101)).as("INS wrote before the hook").isEqualTo(0x41);
    }

    @Test
    void removedHooksAreNotCalled() {
        List<String> seen = new ArrayList<>();
        InterruptHook h = (c, v, s, code) -> seen.add("int");
        cpu.hooks.add(h);
        cpu.hooks.remove(h);
        f.put(0x1000, 0x0F, 0x0B);                      // ud2
        f.put(handler(Vectors.UD), 0xF4);
        cpu.eip = 0x1000;

        assertThat(cpu.run(100)).isEqualTo(CpuStop.HALTED);

        assertThat(seen).isEmpty();
    }
}
