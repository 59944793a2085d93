package dev.kerf.retargeter.jvm;

import dev.kerf.slicer.privacy.CleanFile;

/**
 * A made JVM log: the file (already read back and through the final scan), the log it holds, and
 * what it took.
 *
 * @param file              the .kjvm file as the final scan passed it, ready to publish
 * @param log               its contents
 * @param userInstructions  user instructions the process slice replayed
 * @param sourceBytes       size of the process slice it was made from
 */
public record JvmRetargetResult(CleanFile file, JvmLog log, long userInstructions, long sourceBytes) {
    /** The file's bytes. */
    public byte[] bytes() {
        return file.bytes();
    }
}
