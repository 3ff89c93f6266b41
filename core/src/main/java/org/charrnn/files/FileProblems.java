package org.charrnn.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The real cause of a failed read or write, in a few words a user can act on: "directory /x does
 * not exist", "permission denied", "the disk is full", "file name too long (300 bytes; at most
 * 255)", "a symbolic link loop". Java's own messages are the path again, or an exception's name.
 */
public final class FileProblems {
    /** The longest file name (one path element) Linux, macOS and Windows file systems allow, in bytes. */
    public static final int MAX_NAME_BYTES = 255;

    private FileProblems() {}

    /** Why {@code e} happened to {@code path}. */
    public static String why(IOException e, Path path) {
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        String lower = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        Path parent = path.toAbsolutePath().getParent();
        if (lower.contains("no space left")) return "the disk is full";
        if (lower.contains("file name too long") || tooLong(path) != null) {
            String name = tooLong(path);
            return "file name too long" + (name == null ? "" : " (" + name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + " bytes; at most " + MAX_NAME_BYTES + ")");
        }
        if (e instanceof FileSystemLoopException || lower.contains("too many levels of symbolic links")) {
            return "a symbolic link loop on the way to it";
        }
        if (e instanceof AccessDeniedException || lower.contains("permission denied")) return "permission denied";
        if (lower.contains("read-only file system")) return "the file system is read-only";
        if (e instanceof NotDirectoryException || lower.contains("not a directory")) {
            return "a file stands where a directory of its path should be";
        }
        if (e instanceof NoSuchFileException || lower.contains("no such file")) {
            if (parent != null && !Files.isDirectory(parent)) return "directory " + parent + " does not exist";
            return "it does not exist";
        }
        if (e instanceof FileAlreadyExistsException) {
            if (Files.isSymbolicLink(path) && !Files.exists(path)) return "a symbolic link to nowhere (or a loop) stands there";
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(path)) return "a file stands where a directory should be";
            return "something already stands there";
        }
        return reason == null || reason.isBlank() ? e.getClass().getSimpleName() : reason;
    }

    /** The first element of {@code path} longer than a file system allows, or null. */
    public static String tooLong(Path path) {
        for (Path p : path) {
            if (p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) return p.toString();
        }
        return null;
    }
}
