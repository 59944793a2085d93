package dev.kerf.formats;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;

/**
 * I/O errors that name their file. The JDK reports many failures without one ({@code Is a
 * directory}, {@code No space left on device}, {@code Invalid argument}) or names a temporary
 * file the user never asked for; the code that knows which file the user named wraps them here,
 * so every message reads {@code FILE: reason}.
 */
public final class FileErrors {
    private FileErrors() {}

    /**
     * {@code e} as a {@link FileSystemException} naming {@code file} (cause {@code e}); an exception
     * that already names {@code file} is returned as it is.
     */
    public static IOException named(Path file, IOException e) {
        if (e instanceof FileSystemException f && String.valueOf(file).equals(f.getFile()) && f.getOtherFile() == null) return e;
        FileSystemException named = new FileSystemException(String.valueOf(file), null, reason(e));
        named.initCause(e);
        return named;
    }

    /** What went wrong, in lower case and without a file name: {@code is a directory}, {@code no space left on device}. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NotDirectoryException) return "not a directory";
        if (e instanceof FileAlreadyExistsException) return "already exists";
        if (e instanceof DirectoryNotEmptyException) return "directory not empty";
        if (e instanceof NotLinkException) return "not a symbolic link";
        if (e instanceof FileSystemLoopException) return "too many levels of symbolic links";
        String r = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (r == null || r.isBlank()) return e.getClass().getSimpleName();
        r = r.strip();
        int nl = r.indexOf('\n');
        if (nl >= 0) r = r.substring(0, nl).strip();
        return Character.isUpperCase(r.charAt(0)) && (r.length() < 2 || !Character.isUpperCase(r.charAt(1)))
                ? Character.toLowerCase(r.charAt(0)) + r.substring(1) : r;
    }
}
