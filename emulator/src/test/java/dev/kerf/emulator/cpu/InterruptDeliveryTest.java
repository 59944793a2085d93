package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.PmodeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InterruptDeliveryTest {
    private final PmodeFixture f = new PmodeFixture().defaultGates();
    private final Cpu cpu = f.cpu;

    @Test
    void intFromRing3SwitchesToTheTssStackAndIretReturns() {
        f.paging();
        f.gate(0x80, KCODE, 0xD000, 0xE, 3, true);
        f.ring3(USER_CODE + 2, USER_STACK_TOP);
        cpu.setEflags(0x202 | 0x100 | 0x1); // IF, TF, CF
        cpu.halted = true;

        assertThat(InterruptDelivery.deliver(cpu, 0x80, InterruptDelivery.SOFTWARE, false, 0)).isTrue();

        assertThat(cpu.cpl).isZero();
        assertThat(cpu.seg[Cpu.CS].selector).isEqualTo(KCODE);
        assertThat(cpu.seg[Cpu.SS].selector).isEqualTo(KDATA);
        assertThat(cpu.eip).isEqualTo(0xD000);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(KERNEL_STACK_TOP - 20);
        assertThat(f.stack32(0)).isEqualTo(USER_CODE + 2);
        assertThat(f.stack32(4)).isEqualTo(UCODE);
        assertThat(f.stack32(8)).isEqualTo(0x303);
        assertThat(f.stack32(12)).isEqualTo(USER_STACK_TOP);
        assertThat(f.stack32(16)).isEqualTo(UDATA);
        assertThat(cpu.getEflags() & 0x300).as("IF and TF cleared by an interrupt gate").isZero();
        assertThat(cpu.getEflags() & 1).isEqualTo(1);
        assertThat(cpu.halted).isFalse();

        // The kernel loads its own data segment; IRET to ring 3 must null it out.
        SegmentLoader.load(cpu, Cpu.DS, KDATA);
        InterruptDelivery.iret(cpu, true);

        assertThat(cpu.cpl).isEqualTo(3);
        assertThat(cpu.eip).isEqualTo(USER_CODE + 2);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(USER_STACK_TOP);
        assertThat(cpu.seg[Cpu.CS].selector).isEqualTo(UCODE);
        assertThat(cpu.seg[Cpu.SS].selector).isEqualTo(UDATA);
        assertThat(cpu.seg[Cpu.DS].selector).as("kernel DS nulled on return to ring 3").isZero();
        assertThat(cpu.seg[Cpu.ES].selector).as("user ES kept").isEqualTo(UDATA);
        assertThat(cpu.getEflags() & 0x303).isEqualTo(0x303);
        // Ring 3 again: the user flag reached the MMU, so kernel pages are out of reach.
        assertThatThrownBy(() -> cpu.mmu.read32(KERNEL_STACK_TOP - 4))
                .isInstanceOfSatisfying(CpuFault.class, e -> assertThat(e.errorCode).isEqualTo(5));
    }

    @Test
    void trapGateKeepsIfAndSameLevelDeliveryDoesNotSwitchStacks() {
        f.gate(0x40, KCODE, 0xD100, 0xF, 0, true);
        cpu.setEflags(0x202);
        cpu.eip = 0x1234;
        assertThat(InterruptDelivery.deliver(cpu, 0x40, InterruptDelivery.EXTERNAL, false, 0)).isTrue();
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(KERNEL_STACK_TOP - 12);
        assertThat(f.stack32(0)).isEqualTo(0x1234);
        assertThat(f.stack32(4)).isEqualTo(KCODE);
        assertThat(f.stack32(8)).isEqualTo(0x202);
        assertThat(cpu.getEflags() & 0x200).isEqualTo(0x200);
        assertThat(cpu.eip).isEqualTo(0xD100);
    }

    @Test
    void exceptionFromRing3PushesItsErrorCodeOnTheKernelStack() {
        f.ring3(0x2000, 0x3000);
        assertThat(InterruptDelivery.deliver(cpu, Vectors.GP, InterruptDelivery.EXCEPTION, true, 0x28)).isTrue();
        assertThat(cpu.eip).isEqualTo(handler(Vectors.GP));
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(KERNEL_STACK_TOP - 24);
        assertThat(f.stack32(0)).isEqualTo(0x28);
        assertThat(f.stack32(4)).isEqualTo(0x2000);
    }

    /** A fault while delivering INT n is thrown (state untouched) for the run loop to deliver. */
    private CpuFault softwareIntFault(int vector) {
        int eip = cpu.eip, esp = cpu.reg[Cpu.ESP], cpl = cpu.cpl;
        try {
            InterruptDelivery.deliver(cpu, vector, InterruptDelivery.SOFTWARE, false, 0);
        } catch (CpuFault e) {
            assertThat(cpu.eip).isEqualTo(eip);
            assertThat(cpu.reg[Cpu.ESP]).isEqualTo(esp);
            assertThat(cpu.cpl).isEqualTo(cpl);
            return e;
        }
        throw new AssertionError("expected a fault");
    }

    @Test
    void softwareIntThroughAGateMorePrivilegedThanCplIsGp() {
        f.gate(0x81, KCODE, 0xD200, 0xE, 0, true);
        f.ring3(0x2000, 0x3000);
        CpuFault e = softwareIntFault(0x81);
        assertThat(e.vector).isEqualTo(Vectors.GP);
        assertThat(e.errorCode).isEqualTo(0x81 * 8 + 2);
        // The same gate is fine for an external interrupt: no DPL check.
        assertThat(InterruptDelivery.deliver(cpu, 0x81, InterruptDelivery.EXTERNAL, false, 0)).isTrue();
        assertThat(cpu.eip).isEqualTo(0xD200);
        assertThat(cpu.cpl).isZero();
    }

    @Test
    void notPresentGateIsNpWithExtForExternalEvents() {
        f.gate(0x82, KCODE, 0xD300, 0xE, 3, false);
        CpuFault e = softwareIntFault(0x82);
        assertThat(e.vector).isEqualTo(Vectors.NP);
        assertThat(e.errorCode).isEqualTo(0x82 * 8 + 2);

        assertThat(InterruptDelivery.deliver(cpu, 0x82, InterruptDelivery.EXTERNAL, false, 0)).isTrue();
        assertThat(cpu.eip).isEqualTo(handler(Vectors.NP));
        assertThat(f.stack32(0)).isEqualTo(0x82 * 8 + 3);
    }

    @Test
    void vectorBeyondTheIdtLimitIsGp() {
        SystemOps.lidt(cpu, IDT, 0x40 * 8 - 1);
        assertThat(InterruptDelivery.deliver(cpu, 0x40, InterruptDelivery.EXTERNAL, false, 0)).isTrue();
        assertThat(cpu.eip).isEqualTo(handler(Vectors.GP));
        assertThat(f.stack32(0)).isEqualTo(0x40 * 8 + 3);
    }

    @Test
    void taskGateIsUnsupportedAndRaisesGp() {
        f.gate(0x50, TSS_SEL, 0, 0x5, 3, true);
        assertThat(softwareIntFault(0x50).errorCode).isEqualTo(0x50 * 8 + 2);
        assertThat(InterruptDelivery.deliver(cpu, 0x50, InterruptDelivery.EXTERNAL, false, 0)).isTrue();
        assertThat(cpu.eip).isEqualTo(handler(Vectors.GP));
        assertThat(f.stack32(0)).isEqualTo(0x50 * 8 + 3);
    }

    @Test
    void pageFaultSetsCr2AndPushesTheErrorCode() {
        f.paging();
        cpu.eip = 0x1500;
        CpuFault fault = CpuFault.pageFault(0xDEAD000, 6);
        assertThat(InterruptDelivery.deliverFault(cpu, fault)).isTrue();
        assertThat(cpu.cr2).isEqualTo(0xDEAD000);
        assertThat(cpu.eip).isEqualTo(handler(Vectors.PF));
        assertThat(f.stack32(0)).isEqualTo(6);
        assertThat(f.stack32(4)).isEqualTo(0x1500);
    }

    @Test
    void contributoryFaultDuringGpDeliveryBecomesDoubleFault() {
        f.gate(Vectors.GP, KCODE, handler(Vectors.GP), 0xE, 0, false);
        assertThat(InterruptDelivery.deliver(cpu, Vectors.GP, InterruptDelivery.EXCEPTION, true, 0)).isTrue();
        assertThat(cpu.eip).isEqualTo(handler(Vectors.DF));
        assertThat(f.stack32(0)).as("#DF error code").isZero();
    }

    @Test
    void faultDuringPageFaultDeliveryBecomesDoubleFault() {
        f.gate(Vectors.PF, ABSENT_CODE, handler(Vectors.PF), 0xE, 0, true);
        assertThat(InterruptDelivery.deliverFault(cpu, CpuFault.pageFault(0x1234, 0))).isTrue();
        assertThat(cpu.eip).isEqualTo(handler(Vectors.DF));
        assertThat(cpu.cr2).isEqualTo(0x1234);
    }

    @Test
    void benignEventFollowedByAFaultDeliversTheFault() {
        f.gate(Vectors.UD, ABSENT_CODE, 0, 0xE, 0, true);
        assertThat(InterruptDelivery.deliver(cpu, Vectors.UD, InterruptDelivery.EXCEPTION, false, 0)).isTrue();
        assertThat(cpu.eip).isEqualTo(handler(Vectors.NP));
        assertThat(f.stack32(0)).isEqualTo(ABSENT_CODE | 1);
    }

    @Test
    void unmappedKernelStackDuringRing3PageFaultIsATripleFault() {
        f.paging();
        cpu.memory.write32(TSS + 4, 0x500000); // esp0 beyond the mapped 4 MiB
        f.ring3(USER_CODE, USER_STACK_TOP);
        assertThat(InterruptDelivery.deliverFault(cpu, CpuFault.pageFault(0x700000, 4))).isFalse();
    }

    @Test
    void faultWhileDeliveringDoubleFaultIsATripleFault() {
        f.gate(Vectors.GP, KCODE, 0, 0xE, 0, false);
        f.gate(Vectors.DF, KCODE, 0, 0xE, 0, false);
        assertThat(InterruptDelivery.deliver(cpu, Vectors.GP, InterruptDelivery.EXCEPTION, true, 0)).isFalse();
    }

    @Test
    void pushFaultLeavesRegistersUntouched() {
        f.paging();
        cpu.memory.write32(PAGE_TABLE + 7 * 4, 0); // page 0x7000 not present, just below 0x8000
        cpu.mmu.invlpg(0x7000);
        cpu.reg[Cpu.ESP] = 0x8004; // room for one push, then the unmapped page
        cpu.eip = 0x1111;
        cpu.setEflags(0x202);
        // #PF while pushing the #GP frame → #DF, whose push faults too → triple fault.
        assertThat(InterruptDelivery.deliver(cpu, Vectors.GP, InterruptDelivery.EXCEPTION, true, 0)).isFalse();
        assertThat(cpu.eip).isEqualTo(0x1111);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(0x8004);
        assertThat(cpu.getEflags() & 0x200).isEqualTo(0x200);
        assertThat(cpu.cr2).isEqualTo(0x7FFC);
    }

    @Test
    void iretAtRing3CannotRaiseIoplOrSetIfWithoutPrivilege() {
        f.ring3(0x100, USER_STACK_TOP - 12);
        cpu.setEflags(0x002); // IF clear, IOPL 0
        cpu.memory.write32(USER_STACK_TOP - 12, 0x200);
        cpu.memory.write32(USER_STACK_TOP - 8, UCODE);
        cpu.memory.write32(USER_STACK_TOP - 4, 0x3200 | 0x1); // IOPL 3, IF, CF
        InterruptDelivery.iret(cpu, true);
        assertThat(cpu.eip).isEqualTo(0x200);
        assertThat(cpu.getEflags() & 0x3201).isEqualTo(0x1);
    }

    @Test
    void iretAtRing0MayChangeIopl() {
        cpu.reg[Cpu.ESP] = KERNEL_STACK_TOP - 12;
        cpu.memory.write32(KERNEL_STACK_TOP - 12, 0x300);
        cpu.memory.write32(KERNEL_STACK_TOP - 8, KCODE);
        cpu.memory.write32(KERNEL_STACK_TOP - 4, 0x3202);
        InterruptDelivery.iret(cpu, true);
        assertThat(cpu.getEflags() & 0x3200).isEqualTo(0x3200);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(KERNEL_STACK_TOP);
    }

    @Test
    void iretWithNestedTaskIsGp() {
        cpu.setEflags(0x4002);
        assertThatThrownBy(() -> InterruptDelivery.iret(cpu, true))
                .isInstanceOfSatisfying(CpuFault.class, e -> assertThat(e.vector).isEqualTo(Vectors.GP));
    }

    @Test
    void iretToAMorePrivilegedLevelIsGp() {
        f.ring3(0x100, USER_STACK_TOP - 12);
        cpu.memory.write32(USER_STACK_TOP - 12, 0x200);
        cpu.memory.write32(USER_STACK_TOP - 8, KCODE);
        cpu.memory.write32(USER_STACK_TOP - 4, 0x202);
        assertThatThrownBy(() -> InterruptDelivery.iret(cpu, true))
                .isInstanceOfSatisfying(CpuFault.class, e -> assertThat(e.errorCode).isEqualTo(KCODE));
        assertThat(cpu.cpl).isEqualTo(3);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(USER_STACK_TOP - 12);
    }

    @Test
    void badSs0InTheTssIsInvalidTssAndEndsInATripleFault() {
        cpu.memory.write32(TSS + 8, UDATA); // RPL 3 for a ring-0 stack
        f.gate(0x80, KCODE, 0xD000, 0xE, 3, true);
        f.ring3(0x2000, 0x3000);
        CpuFault e = softwareIntFault(0x80);
        assertThat(e.vector).isEqualTo(Vectors.TS);
        assertThat(e.errorCode).isEqualTo(UDATA & 0xFFFC);
        // Delivering that #TS needs the same TSS stack: #TS again → #DF → #TS → triple fault.
        assertThat(InterruptDelivery.deliverFault(cpu, e)).isFalse();
        assertThat(cpu.cpl).isEqualTo(3);
    }

    @Test
    void sixteenBitGatePushesAWordFrameAndIret16Returns() {
        f.gate(0x41, KCODE, 0x12345678, 0x6, 0, true); // 16-bit interrupt gate: offset 0x5678
        cpu.eip = 0xABCD;
        cpu.setEflags(0x10202);
        assertThat(InterruptDelivery.deliver(cpu, 0x41, InterruptDelivery.EXTERNAL, false, 0)).isTrue();
        assertThat(cpu.eip).isEqualTo(0x5678);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(KERNEL_STACK_TOP - 6);
        assertThat(cpu.memory.read16(KERNEL_STACK_TOP - 6)).isEqualTo(0xABCD);
        assertThat(cpu.memory.read16(KERNEL_STACK_TOP - 4)).isEqualTo(KCODE);
        assertThat(cpu.memory.read16(KERNEL_STACK_TOP - 2)).isEqualTo(0x0202);
        assertThat(cpu.getEflags() & 0x10200).as("IF and RF cleared").isZero();

        InterruptDelivery.iret(cpu, false);
        assertThat(cpu.eip).isEqualTo(0xABCD);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(KERNEL_STACK_TOP);
        assertThat(cpu.getEflags() & 0x200).isEqualTo(0x200);
    }

    @Test
    void conformingHandlerRunsAtTheInterruptedLevel() {
        f.gate(0x42, CONFORMING, 0xD400, 0xE, 3, true);
        f.ring3(0x2000, 0x3000);
        assertThat(InterruptDelivery.deliver(cpu, 0x42, InterruptDelivery.SOFTWARE, false, 0)).isTrue();
        assertThat(cpu.cpl).isEqualTo(3);
        assertThat(cpu.seg[Cpu.CS].selector).isEqualTo(CONFORMING | 3);
        assertThat(cpu.reg[Cpu.ESP]).as("no stack switch").isEqualTo(0x3000 - 12);
    }

    @Test
    void gateOffsetBeyondTheCodeLimitIsGp() {
        f.descriptor(GDT, 0x50, 0, 0xFFF, 0x409B); // byte-granular code, limit 0xFFF
        f.gate(0x43, 0x50, 0x1000, 0xE, 0, true);
        assertThat(InterruptDelivery.deliver(cpu, 0x43, InterruptDelivery.EXTERNAL, false, 0)).isTrue();
        assertThat(cpu.eip).isEqualTo(handler(Vectors.GP));
        assertThat(f.stack32(0)).as("#GP(EXT)").isEqualTo(1);
    }
}
