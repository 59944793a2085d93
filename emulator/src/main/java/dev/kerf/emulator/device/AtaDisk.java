package dev.kerf.emulator.device;

import dev.kerf.formats.InputFile;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The primary ATA channel (0x1F0-0x1F7, control/alt-status 0x3F6, IRQ14) in PIO mode with one
 * master disk backed by an image file (size rounded down to whole 512-byte sectors).
 *
 * <p>Commands: IDENTIFY DEVICE (0xEC), READ SECTORS (0x20/0x21), WRITE SECTORS (0x30/0x31) with
 * LBA28 or CHS (16 heads, 63 sectors per track; cylinders as QEMU guesses them), and the no-data housekeeping commands a driver
 * issues (FLUSH CACHE, SET FEATURES, INITIALIZE DEVICE PARAMETERS, RECALIBRATE, READ VERIFY, idle and
 * power commands), which succeed at once. Everything else aborts (ERR, error ABRT). Transfers
 * are instantaneous, so BSY is only seen during a software reset; INTRQ is raised when a sector
 * is ready (read), was taken (write) or a command ended, cleared by reading the status register,
 * and masked by nIEN. A transfer running past the end of the image aborts (ERR, ABRT) at the
 * first missing sector, as QEMU does; after a transfer the address registers hold the sector
 * after the last one transferred (LBA mode), as QEMU leaves them.
 *
 * <p>Writes go straight to the image file, which is opened read-write; a read-only image is
 * opened read-only and WRITE SECTORS then aborts. With no disk (or the absent slave selected)
 * every register reads 0, as QEMU's IDE does when a channel has no drives.
 */
public final class AtaDisk implements IoDevice, AutoCloseable {
    static final int SECTOR = 512;
    private static final int ST_ERR = 0x01, ST_DRQ = 0x08, ST_DSC = 0x10, ST_DRDY = 0x40, ST_BSY = 0x80;
    private static final int ERR_ABRT = 0x04, ERR_IDNF = 0x10;
    private static final int HEADS = 16, SECTORS_PER_TRACK = 63;

    /** A data transfer in progress; the code is its value in the snapshot state (never reused). */
    private enum Transfer {
        NONE(0), READ(1), WRITE(2), IDENTIFY(3);

        final int code;

        Transfer(int code) {
            this.code = code;
        }

        static Transfer fromCode(int code) {
            for (Transfer t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    private final IrqLine irq;
    private final RandomAccessFile image;
    private final boolean writable;
    private final long totalSectors;

    private int status, error, features, nsector, sector, lcyl, hcyl, select = 0xA0;
    private boolean interruptsDisabled, irqPending, resetting;
    private final byte[] buffer = new byte[SECTOR];
    private int bufferPos;
    private Transfer transfer = Transfer.NONE;
    private long lba;
    private int sectorsLeft;

    /** @param disk the image, or null for an empty channel */
    public AtaDisk(Path disk, IrqLine irq) throws IOException {
        this.irq = irq;
        if (disk == null) {
            image = null;
            writable = false;
            totalSectors = 0;
        } else {
            InputFile.requireRegular(disk); // a device's length is not its size
            writable = Files.isWritable(disk);
            image = new RandomAccessFile(disk.toFile(), writable ? "rw" : "r");
            totalSectors = image.length() / SECTOR;
        }
        resetRegisters();
    }

    @Override
    public int read(int port, int size) {
        if (image != null && port != 0x3F6 && (port & 7) == 6) {
            return select; // readable with the slave selected too (QEMU)
        }
        if (!present()) {
            return 0;
        }
        if (port == 0x3F6) {
            return status;
        }
        return switch (port & 7) {
            case 0 -> readData(size);
            case 1 -> error;
            case 2 -> nsector;
            case 3 -> sector;
            case 4 -> lcyl;
            case 5 -> hcyl;
            case 6 -> select;
            default -> {
                irqPending = false;
                updateIrq();
                yield status;
            }
        };
    }

    @Override
    public void write(int port, int size, int value) {
        if (port == 0x3F6) {
            deviceControl(value);
            return;
        }
        switch (port & 7) {
            case 0 -> writeData(size, value);
            case 1 -> features = value & 0xFF;
            case 2 -> nsector = value & 0xFF;
            case 3 -> sector = value & 0xFF;
            case 4 -> lcyl = value & 0xFF;
            case 5 -> hcyl = value & 0xFF;
            case 6 -> select = value & 0xFF;
            default -> {
                // As QEMU: a command written while BSY or DRQ is set is ignored.
                if (present() && !resetting && (status & (ST_BSY | ST_DRQ)) == 0) {
                    command(value & 0xFF);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (image != null) {
            image.close();
        }
    }

    /**
     * Snapshot state, 545 bytes: disk present (1 byte), its size in sectors (int64; 0 without a
     * disk), status, error, features, sector count, sector, cylinder low, cylinder high,
     * drive/head, nIEN, INTRQ pending, in software reset, transfer (0 none, 1 read, 2 write,
     * 3 identify), buffer position (uint16, 0..512), next LBA (int64), sectors left (uint16,
     * 0..256), the 512-byte sector buffer. The image's content is not state: it is the user's file,
     * given again at resume.
     */
    void save(StateWriter w) {
        w.bool(image != null);
        w.i64(totalSectors);
        for (int v : new int[] {status, error, features, nsector, sector, lcyl, hcyl, select}) {
            w.u8(v);
        }
        w.bool(interruptsDisabled);
        w.bool(irqPending);
        w.bool(resetting);
        w.u8(transfer.code);
        w.u16(bufferPos);
        w.i64(lba);
        w.u16(sectorsLeft);
        w.bytes(buffer, 0, SECTOR);
    }

    /**
     * Reads what {@link #save} wrote. The disk fields must describe this channel's disk (present,
     * same size): {@code actualSectors} is its size, -1 for no disk ({@link PcPlatform#DISK_UNKNOWN}:
     * not compared); anything else is a
     * {@link DeviceMismatchException}, raised only once the whole part has been read and checked.
     */
    void load(StateReader r, long actualSectors) {
        r.device("ATA");
        boolean hadDisk = r.bool("disk present");
        long sectors = r.i64("disk sectors", 0, Long.MAX_VALUE / SECTOR);
        int newStatus = r.u8("status");
        int newError = r.u8("error");
        int newFeatures = r.u8("features");
        int newNsector = r.u8("sector count");
        int newSector = r.u8("sector");
        int newLcyl = r.u8("cylinder low");
        int newHcyl = r.u8("cylinder high");
        int newSelect = r.u8("drive/head");
        boolean nien = r.bool("nIEN");
        boolean pending = r.bool("INTRQ pending");
        boolean reset = r.bool("software reset");
        int kindAt = r.offset();
        int kindCode = r.u8("transfer");
        Transfer kind = Transfer.fromCode(kindCode);
        if (kind == null) {
            throw r.fail(kindAt, "transfer kind " + kindCode + " unknown (0..3)");
        }
        int pos = r.u16("buffer position", 0, SECTOR);
        long next = r.i64("next LBA", 0, Long.MAX_VALUE / SECTOR);
        int left = r.u16("sectors left", 0, 256);
        byte[] data = new byte[SECTOR];
        r.bytes(data, 0, SECTOR, "sector buffer");
        if (actualSectors != PcPlatform.DISK_UNKNOWN
                && (hadDisk != (actualSectors >= 0) || (hadDisk && sectors != actualSectors))) {
            throw new DeviceMismatchException(hadDisk
                    ? "the snapshot's machine had a disk of " + sectors + " sectors; "
                            + (actualSectors < 0 ? "give that disk image again" : "this disk image has " + actualSectors)
                    : "the snapshot's machine had no disk: resume it without one");
        }
        status = newStatus;
        error = newError;
        features = newFeatures;
        nsector = newNsector;
        sector = newSector;
        lcyl = newLcyl;
        hcyl = newHcyl;
        select = newSelect;
        interruptsDisabled = nien;
        irqPending = pending;
        resetting = reset;
        transfer = kind;
        bufferPos = pos;
        lba = next;
        sectorsLeft = left;
        System.arraycopy(data, 0, buffer, 0, SECTOR);
    }

    /** The image's size in sectors, or -1 without a disk. */
    long diskSectors() {
        return image == null ? -1 : totalSectors;
    }

    long totalSectors() {
        return totalSectors;
    }

    private boolean present() {
        return image != null && (select & 0x10) == 0;
    }

    private void deviceControl(int value) {
        interruptsDisabled = (value & 0x02) != 0;
        boolean srst = (value & 0x04) != 0;
        if (srst && !resetting) {
            resetting = true;
            transfer = Transfer.NONE;
            status = ST_BSY;
        } else if (!srst && resetting) {
            resetting = false;
            resetRegisters();
        }
        updateIrq();
    }

    private void resetRegisters() {
        status = ST_DRDY | ST_DSC;
        error = 0x01; // diagnostic passed
        nsector = 1;
        sector = 1;
        lcyl = 0;
        hcyl = 0;
        select = 0xA0;
        transfer = Transfer.NONE;
    }

    /** Command dispatch: a flat switch over the ATA opcodes we answer. */
    private void command(int opcode) {
        error = 0;
        transfer = Transfer.NONE;
        switch (opcode) {
            case 0xEC -> {
                AtaIdentify.fill(buffer, totalSectors, HEADS, SECTORS_PER_TRACK);
                startDataIn(Transfer.IDENTIFY);
            }
            case 0x20, 0x21 -> startRead();
            case 0x30, 0x31 -> startWrite();
            case 0xE7, 0xEF, 0x91, 0x40, 0x41, 0xE0, 0xE1, 0xE2, 0xE3 -> complete();
            case 0xE5 -> {
                nsector = 0xFF; // CHECK POWER MODE: active
                complete();
            }
            default -> {
                if (opcode >= 0x10 && opcode <= 0x1F) {
                    complete(); // RECALIBRATE
                } else {
                    abort(ERR_ABRT);
                }
            }
        }
    }

    private void startRead() {
        if (!locateTransfer()) {
            return;
        }
        if (loadSector()) {
            startDataIn(Transfer.READ);
        }
    }

    private void startWrite() {
        if (!writable) {
            abort(ERR_ABRT);
            return;
        }
        if (!locateTransfer()) {
            return;
        }
        transfer = Transfer.WRITE;
        bufferPos = 0;
        status = ST_DRDY | ST_DSC | ST_DRQ; // the first sector is requested without an interrupt
    }

    /** Reads the starting sector and count from the registers; false (and aborted) for a bad CHS address. */
    private boolean locateTransfer() {
        sectorsLeft = nsector == 0 ? 256 : nsector;
        lba = startLba();
        if (lba < 0) {
            abort(ERR_IDNF);
            return false;
        }
        return true;
    }

    private long startLba() {
        if ((select & 0x40) != 0) {
            return ((long) (select & 0x0F) << 24) | ((long) hcyl << 16) | ((long) lcyl << 8) | sector;
        }
        int cylinder = (hcyl << 8) | lcyl;
        int head = select & 0x0F;
        if (sector == 0 || sector > SECTORS_PER_TRACK) {
            return -1;
        }
        return ((long) cylinder * HEADS + head) * SECTORS_PER_TRACK + (sector - 1);
    }

    private boolean loadSector() {
        if (lba >= totalSectors) {
            abort(ERR_ABRT); // QEMU: the block layer fails the read, the command aborts
            return false;
        }
        try {
            image.seek(lba * SECTOR);
            image.readFully(buffer);
            return true;
        } catch (IOException e) {
            abort(ERR_ABRT);
            return false;
        }
    }

    private void startDataIn(Transfer kind) {
        transfer = kind;
        bufferPos = 0;
        status = ST_DRDY | ST_DSC | ST_DRQ;
        raiseIrq();
    }

    private int readData(int size) {
        if (transfer != Transfer.READ && transfer != Transfer.IDENTIFY) {
            return 0;
        }
        int value = 0;
        for (int i = 0; i < size && bufferPos < SECTOR; i++) {
            value |= (buffer[bufferPos++] & 0xFF) << (8 * i);
        }
        if (bufferPos == SECTOR) {
            sectorDone();
        }
        return value;
    }

    private void writeData(int size, int value) {
        if (transfer != Transfer.WRITE || !present()) {
            return;
        }
        for (int i = 0; i < size && bufferPos < SECTOR; i++) {
            buffer[bufferPos++] = (byte) (value >>> (8 * i));
        }
        if (bufferPos == SECTOR) {
            if (lba >= totalSectors) {
                abort(ERR_ABRT);
                return;
            }
            try {
                image.seek(lba * SECTOR);
                image.write(buffer);
            } catch (IOException e) {
                abort(ERR_ABRT);
                return;
            }
            sectorDone();
        }
    }

    /** One sector went across: advance, then request the next one or finish the command. */
    private void sectorDone() {
        if (transfer == Transfer.IDENTIFY) {
            transfer = Transfer.NONE;
            status = ST_DRDY | ST_DSC;
            return;
        }
        lba++;
        setLbaRegisters(lba); // QEMU leaves the address of the next sector
        sectorsLeft--;
        nsector = (nsector - 1) & 0xFF;
        bufferPos = 0;
        boolean reading = transfer == Transfer.READ;
        if (sectorsLeft == 0) {
            transfer = Transfer.NONE;
            status = ST_DRDY | ST_DSC;
            if (!reading) {
                raiseIrq();
            }
        } else if (reading) {
            if (loadSector()) {
                startDataIn(Transfer.READ);
            }
        } else {
            status = ST_DRDY | ST_DSC | ST_DRQ;
            raiseIrq();
        }
    }

    private void setLbaRegisters(long value) {
        if ((select & 0x40) == 0) {
            return; // CHS registers are left as programmed
        }
        sector = (int) (value & 0xFF);
        lcyl = (int) ((value >> 8) & 0xFF);
        hcyl = (int) ((value >> 16) & 0xFF);
        select = (select & 0xF0) | (int) ((value >> 24) & 0x0F);
    }

    private void complete() {
        status = ST_DRDY | ST_DSC;
        raiseIrq();
    }

    private void abort(int errorBits) {
        transfer = Transfer.NONE;
        error = errorBits;
        status = ST_DRDY | ST_DSC | ST_ERR;
        raiseIrq();
    }

    private void raiseIrq() {
        irqPending = true;
        updateIrq();
    }

    private void updateIrq() {
        irq.set(irqPending && !interruptsDisabled);
    }
}
