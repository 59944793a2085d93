package dev.kerf.slicer.process;

import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.UserReplayResult;

/**
 * A captured process slice that verified by replay.
 *
 * @param slice              the slice
 * @param note               a line for the user (which of several same-named processes was taken), or null
 * @param verification       the replay of the slice that verified it
 * @param recordedIcount     instructions of the whole recording that was replayed
 * @param complete           false when the recording was cut short (the slice ends where it does)
 * @param file               the slice file's bytes, read back and replayed before this result was made
 * @param received           what the process received from the rest of the system, in order, as
 *                           {@code --exclude-process} registers it (see {@code ProcessCapture}): the
 *                           calls' output buffers and changes to pages it already had, not the pages
 *                           that appeared (its program's image paged in, zeros, copy-on-write copies)
 */
public record ProcessSliceResult(ProcessSlice slice, String note, UserReplayResult verification, long recordedIcount, boolean complete, byte[] file,
                                 byte[] received) {}
