package dev.kerf.emulator.device;

/**
 * The DP8390 register pages of the {@link Ne2000}: which register sits at which offset of which
 * page, for reads and writes (CR at offset 0 is handled by the NIC itself). Flat switches: the
 * datasheet's register table, kept in one place.
 */
final class Ne2000Registers {
    private Ne2000Registers() {}

    static int read(Ne2000 nic, int page, int offset) {
        return switch (page & 3) {
            case 0 -> readPage0(nic, offset);
            case 1 -> readPage1(nic, offset);
            case 2 -> readPage2(nic, offset);
            default -> 0;
        };
    }

    static void write(Ne2000 nic, int page, int offset, int v) {
        switch (page & 3) {
            case 0 -> writePage0(nic, offset, v);
            case 1 -> writePage1(nic, offset, v);
            default -> { } // page 2 holds test-only write registers; page 3 is unused
        }
    }

    private static int readPage0(Ne2000 nic, int offset) {
        return switch (offset) {
            case 0x03 -> nic.bnry();
            case 0x04 -> nic.tsr();
            case 0x07 -> nic.isr();
            case 0x08 -> nic.rsar() & 0xFF;          // CRDA0
            case 0x09 -> (nic.rsar() >> 8) & 0xFF;   // CRDA1
            case 0x0A -> 0x50;                        // RTL8029 ID 'P', as QEMU
            case 0x0B -> 0x43;                        // RTL8029 ID 'C'
            case 0x0C -> nic.rsr();
            default -> 0;                             // CLDA, NCR, FIFO, tally counters
        };
    }

    private static int readPage1(Ne2000 nic, int offset) {
        if (offset >= 1 && offset <= 6) {
            return nic.par(offset - 1);
        }
        if (offset == 7) {
            return nic.curr();
        }
        return nic.mar(offset - 8);
    }

    /** Only PSTART and PSTOP: QEMU reads 0 for the datasheet's TPSR/RCR/TCR/DCR/IMR here. */
    private static int readPage2(Ne2000 nic, int offset) {
        return switch (offset) {
            case 0x01 -> nic.pageStart();
            case 0x02 -> nic.pageStop();
            default -> 0;
        };
    }

    private static void writePage0(Ne2000 nic, int offset, int v) {
        switch (offset) {
            case 0x01 -> nic.setPageStart(v);
            case 0x02 -> nic.setPageStop(v);
            case 0x03 -> nic.setBnry(v);
            case 0x04 -> nic.setTpsr(v);
            case 0x05 -> nic.setTbcr(v, false);
            case 0x06 -> nic.setTbcr(v, true);
            case 0x07 -> nic.acknowledgeIsr(v);
            case 0x08 -> nic.setRsar(v, false);
            case 0x09 -> nic.setRsar(v, true);
            case 0x0A -> nic.setRbcr(v, false);
            case 0x0B -> nic.setRbcr(v, true);
            case 0x0C -> nic.setRcr(v);
            case 0x0D -> nic.setTcr(v);
            case 0x0E -> nic.setDcr(v);
            default -> nic.setImr(v);
        }
    }

    private static void writePage1(Ne2000 nic, int offset, int v) {
        if (offset >= 1 && offset <= 6) {
            nic.setPar(offset - 1, v);
        } else if (offset == 7) {
            nic.setCurr(v);
        } else {
            nic.setMar(offset - 8, v);
        }
    }
}
