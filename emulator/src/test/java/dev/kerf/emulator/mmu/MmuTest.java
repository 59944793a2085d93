package dev.kerf.emulator.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.emulator.cpu.CpuFault;
import dev.kerf.emulator.cpu.Vectors;
import org.junit.jupiter.api.Test;

class MmuTest {
    private static final int PG_PE = 0x80000001, WP = 0x10000;
    private static final int DIR = 0x10000, TABLE = 0x11000;
    private static final int P = 1, RW = 2, US = 4, A = 0x20, D = 0x40;

    private final PhysicalMemory memory = new PhysicalMemory(4 << 20);
    private final Mmu mmu = new Mmu(memory);

    /** Page directory entry 0 → TABLE (all rights: the PTEs decide), paging on. */
    private void pagingOn(int cr0Extra) {
        memory.write32(DIR, TABLE | P | RW | US);
        mmu.setControl(PG_PE | cr0Extra, DIR, 0);
    }

    private void map(int linear, int physical, int flags) {
        memory.write32(TABLE + ((linear >>> 12) & 0x3FF) * 4, physical | flags);
    }

    private int pte(int linear) {
        return memory.read32(TABLE + ((linear >>> 12) & 0x3FF) * 4);
    }

    private static CpuFault pageFault(Runnable access) {
        try {
            access.run();
        } catch (CpuFault f) {
            assertThat(f.vector).isEqualTo(Vectors.PF);
            return f;
        }
        throw new AssertionError("expected #PF");
    }

    @Test
    void pagingOffIsIdentityAndBeyondRamIsOpenBus() {
        memory.write32(0x1234, 0xCAFEBABE);
        assertThat(mmu.read32(0x1234)).isEqualTo(0xCAFEBABE);
        assertThat(mmu.translate(0x1234, true)).isEqualTo(0x1234);
        assertThat(mmu.read32(0x7FFF0000)).isEqualTo(0xFFFFFFFF);
        mmu.write32(0x7FFF0000, 1); // dropped, no exception
        assertThat(mmu.read8(0x7FFF0000)).isEqualTo(0xFF);
    }

    @Test
    void mapsLinearPagesToFrames() {
        pagingOn(0);
        map(0x5000, 0x200000, P | RW);
        mmu.write32(0x5010, 0x11223344);
        assertThat(memory.read32(0x200010)).isEqualTo(0x11223344);
        assertThat(mmu.read16(0x5012)).isEqualTo(0x1122);
        assertThat(mmu.read8(0x5010)).isEqualTo(0x44);
        assertThat(mmu.translate(0x5FFF, false)).isEqualTo(0x200FFF);
        assertThat(mmu.probe(0x5004)).isEqualTo(0x200004L);
        assertThat(mmu.probe(0x6004)).isEqualTo(-1L);
    }

    @Test
    void notPresentFaultsCarryTheAccessKind() {
        pagingOn(0);
        assertThat(pageFault(() -> mmu.read32(0x7000)).errorCode).isEqualTo(0);
        assertThat(pageFault(() -> mmu.read32(0x7000)).address).isEqualTo(0x7000);
        assertThat(pageFault(() -> mmu.write8(0x7001, 1)).errorCode).isEqualTo(2);
        mmu.setUser(true);
        assertThat(pageFault(() -> mmu.read8(0x7002)).errorCode).isEqualTo(4);
        assertThat(pageFault(() -> mmu.write16(0x7003, 1)).errorCode).isEqualTo(6);
        // A missing page table (PDE not present) is a not-present fault too.
        assertThat(pageFault(() -> mmu.read8(0x00C00000)).errorCode).isEqualTo(4);
    }

    @Test
    void userAccessToASupervisorPageIsAProtectionFault() {
        pagingOn(0);
        map(0x3000, 0x3000, P | RW);
        mmu.setUser(true);
        CpuFault read = pageFault(() -> mmu.read32(0x3004));
        assertThat(read.errorCode).isEqualTo(5);
        assertThat(read.address).isEqualTo(0x3004);
        assertThat(pageFault(() -> mmu.write32(0x3008, 0)).errorCode).isEqualTo(7);
        assertThat(pageFault(() -> mmu.translateFetch(0x3000)).errorCode).isEqualTo(5);
        // Implicit supervisor accesses (GDT, IDT, TSS) ignore CPL.
        mmu.sysWrite32(0x3008, 42);
        assertThat(mmu.sysRead32(0x3008)).isEqualTo(42);
        mmu.setUser(false);
        assertThat(mmu.read32(0x3008)).isEqualTo(42);
    }

    @Test
    void userBitMustBeSetInBothLevels() {
        memory.write32(DIR, TABLE | P | RW); // PDE supervisor-only
        mmu.setControl(PG_PE, DIR, 0);
        map(0x3000, 0x3000, P | RW | US);
        mmu.setUser(true);
        assertThat(pageFault(() -> mmu.read32(0x3000)).errorCode).isEqualTo(5);
    }

    @Test
    void writeToReadOnlyPageFaultsForUsersAndForSupervisorOnlyWithWp() {
        pagingOn(0);
        map(0x4000, 0x4000, P | US);
        mmu.setUser(true);
        assertThat(mmu.read32(0x4000)).isZero();
        assertThat(pageFault(() -> mmu.write32(0x4000, 1)).errorCode).isEqualTo(7);

        mmu.setUser(false);
        mmu.write32(0x4000, 0x55); // CR0.WP = 0: the supervisor may write
        assertThat(memory.read32(0x4000)).isEqualTo(0x55);

        mmu.setControl(PG_PE | WP, DIR, 0);
        assertThat(pageFault(() -> mmu.write32(0x4000, 0x66)).errorCode).isEqualTo(3);
        assertThat(pageFault(() -> mmu.sysWrite8(0x4000, 0x66)).errorCode).isEqualTo(3);
        assertThat(memory.read32(0x4000)).isEqualTo(0x55);
    }

    @Test
    void accessedAndDirtyBitsAreSetLikeHardware() {
        pagingOn(0);
        memory.write32(DIR, TABLE | P | RW | US); // A clear
        map(0x6000, 0x6000, P | RW);
        mmu.read32(0x6000);
        assertThat(pte(0x6000) & (A | D)).isEqualTo(A);
        assertThat(memory.read32(DIR) & A).isEqualTo(A);
        // A write to a page cached for reading walks again to set D.
        mmu.write8(0x6001, 7);
        assertThat(pte(0x6000) & (A | D)).isEqualTo(A | D);
        assertThat(memory.read32(DIR) & D).as("no D bit in the PDE of a 4 KiB page").isZero();
        // A faulting walk sets nothing.
        map(0x7000, 0x7000, P);
        mmu.setUser(true);
        pageFault(() -> mmu.read8(0x7000));
        assertThat(pte(0x7000) & A).isZero();
    }

    @Test
    void pageCrossingAccessesSplitAcrossFrames() {
        pagingOn(0);
        map(0x1000, 0x300000, P | RW);
        map(0x2000, 0x100000, P | RW);
        mmu.write32(0x1FFE, 0xAABBCCDD);
        assertThat(memory.read16(0x300FFE)).isEqualTo(0xCCDD);
        assertThat(memory.read16(0x100000)).isEqualTo(0xAABB);
        assertThat(mmu.read32(0x1FFE)).isEqualTo(0xAABBCCDD);
        assertThat(mmu.read16(0x1FFF)).isEqualTo(0xBBCC);
        mmu.write16(0x1FFF, 0x1234);
        assertThat(memory.read8(0x300FFF)).isEqualTo(0x34);
        assertThat(memory.read8(0x100000)).isEqualTo(0x12);
    }

    @Test
    void pageCrossingWriteFaultingOnTheSecondPageChangesNothing() {
        pagingOn(0);
        map(0x1000, 0x300000, P | RW);
        memory.write32(0x300FFC, 0x01020304);
        CpuFault f = pageFault(() -> mmu.write32(0x1FFE, 0xAABBCCDD));
        assertThat(f.address).isEqualTo(0x2000);
        assertThat(f.errorCode).isEqualTo(2);
        assertThat(memory.read32(0x300FFC)).isEqualTo(0x01020304);
        // A read-only second page: protection fault, first page untouched too.
        map(0x2000, 0x100000, P);
        mmu.setUser(false);
        mmu.setControl(PG_PE | WP, DIR, 0);
        assertThat(pageFault(() -> mmu.write16(0x1FFF, 0xFFFF)).errorCode).isEqualTo(3);
        assertThat(memory.read32(0x300FFC)).isEqualTo(0x01020304);
    }

    @Test
    void invlpgAndCr3ReloadMakeANewMappingVisible() {
        pagingOn(0);
        memory.write32(0x200000, 111);
        memory.write32(0x201000, 222);
        map(0x8000, 0x200000, P | RW);
        assertThat(mmu.read32(0x8000)).isEqualTo(111);
        map(0x8000, 0x201000, P | RW);
        // Like hardware, the cached translation may still be used until the TLB is told.
        assertThat(mmu.read32(0x8000)).isEqualTo(111);
        int before = mmu.generation();
        mmu.invlpg(0x8123);
        assertThat(mmu.generation()).isNotEqualTo(before);
        assertThat(mmu.read32(0x8000)).isEqualTo(222);

        map(0x8000, 0x200000, P | RW);
        before = mmu.generation();
        mmu.setControl(PG_PE, DIR, 0); // MOV CR3 with the same value still flushes
        assertThat(mmu.generation()).isNotEqualTo(before);
        assertThat(mmu.read32(0x8000)).isEqualTo(111);
    }

    @Test
    void removingAMappingFaultsAfterInvlpg() {
        pagingOn(0);
        map(0x9000, 0x9000, P | RW | US);
        mmu.write32(0x9000, 5);
        map(0x9000, 0, 0);
        mmu.invlpg(0x9000);
        assertThat(pageFault(() -> mmu.read32(0x9000)).errorCode).isZero();
    }

    @Test
    void privilegeChangeUsesSeparateTlbRightsAndBumpsTheGeneration() {
        pagingOn(0);
        map(0xA000, 0xA000, P | RW);
        mmu.write32(0xA000, 9); // cached with supervisor rights
        int before = mmu.generation();
        mmu.setUser(true);
        assertThat(mmu.generation()).isNotEqualTo(before);
        assertThat(pageFault(() -> mmu.read32(0xA000)).errorCode).isEqualTo(5);
    }

    @Test
    void largePagesWithPse() {
        memory.write32(DIR + 4, 0x00000000 | P | RW | US | 0x80); // 4..8 MiB → 0..4 MiB
        mmu.setControl(PG_PE, DIR, 0x10);
        memory.write32(0x123456, 0x77);
        assertThat(mmu.read32(0x523456)).isEqualTo(0x77);
        mmu.write8(0x400000, 1);
        assertThat(memory.read32(DIR + 4) & (A | D)).isEqualTo(A | D);
        // INVLPG anywhere in the large page drops all of it.
        memory.write32(DIR + 4, 0x00000000);
        mmu.invlpg(0x7FF000);
        assertThat(pageFault(() -> mmu.read32(0x523456)).errorCode).isZero();
    }

    @Test
    void withoutPseThePsBitIsIgnored() {
        memory.write32(DIR, TABLE | P | RW | US | 0x80);
        mmu.setControl(PG_PE, DIR, 0);
        map(0x1000, 0x2000, P | RW);
        memory.write32(0x2000, 0x99);
        assertThat(mmu.read32(0x1000)).isEqualTo(0x99);
    }

    @Test
    void slotConflictsDoNotMixUpPages() {
        pagingOn(0);
        // Two linear pages that share a TLB slot: the higher-half alias of page 0 is folded elsewhere.
        memory.write32(DIR + (0xC00 >> 2) * 4, TABLE | P | RW); // 0xC0000000.. uses the same table
        for (int i = 0; i < 1024; i++) map(i << 12, i << 12, P | RW);
        for (int i = 0; i < 1024; i++) if (!isPagingStructure(i)) memory.write32((i << 12) + 8, i);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 1024; i++) {
                if (isPagingStructure(i)) continue;
                assertThat(mmu.read32((i << 12) + 8)).isEqualTo(i);
                assertThat(mmu.read32(0xC0000000 + (i << 12) + 8)).isEqualTo(i);
            }
        }
    }

    private static boolean isPagingStructure(int page) {
        return page == DIR >>> 12 || page == TABLE >>> 12;
    }
}
