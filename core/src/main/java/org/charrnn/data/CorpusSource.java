package org.charrnn.data;

import org.charrnn.config.DataConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a corpus comes from: files, and directories standing for every regular file under them
 * that matches a glob (hidden ones skipped), in a stable order — each directory's files sorted by
 * their path within it — joined with a separator between documents.
 *
 * @param inputs    files or directories, in the order given
 * @param glob      which files of a directory, relative to it ({@code **} for all, {@code **}{@code /*.c} for C)
 * @param separator text put between two documents ("" for none)
 */
public record CorpusSource(List<Path> inputs, String glob, String separator) {
    public static final String ALL = "**";

    public CorpusSource {
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) throw new IllegalArgumentException("no input");
    }

    /** A single file, no separator. */
    public static CorpusSource file(Path file) {
        return new CorpusSource(List.of(file), ALL, "");
    }

    /** What a run's data section names (a remote text by its local copy, {@link RemoteTexts}). */
    public static CorpusSource of(DataConfig data) {
        return new CorpusSource(data.input().stream().map(RemoteTexts::local).toList(), data.glob(), data.separator());
    }

    /** True for one plain file: the common case, whose messages name the file alone. */
    public boolean singleFile() {
        return inputs.size() == 1 && !Files.isDirectory(inputs.get(0));
    }

    /** "data/x.txt", "data/linux (1,234 files)", "a.txt, b.txt (2 files)". */
    public String describe(int files) {
        String names = inputs.size() == 1 ? inputs.get(0).toString()
                : inputs.size() <= 3 ? String.join(", ", inputs.stream().map(Path::toString).toList())
                : inputs.get(0) + ", … " + inputs.get(inputs.size() - 1);
        return singleFile() ? names : String.format(java.util.Locale.ROOT, "%s (%,d files)", names, files);
    }

    /** The documents in order; a directory with no matching file, or an input that is not there, is an error naming it. */
    public List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                List<Path> under = matching(input);
                if (under.isEmpty()) {
                    throw new DataException(input + ": no files" + (glob.equals(ALL) ? "" : " match data.glob '" + glob + "'")
                            + " under this directory (hidden files and directories are skipped)");
                }
                files.addAll(under);
            } else if (!Files.exists(input)) {
                throw new DataException(input + ": file not found");
            } else if (!Files.isRegularFile(input)) {
                throw new DataException(input + ": not a regular file (a pipe or a device); expected a UTF-8 text file or a directory");
            } else {
                files.add(input);
            }
        }
        return files;
    }

    private List<Path> matching(Path dir) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        // "**/*.c" also matches a.c at the top, as in .gitignore; Java's glob wants a slash there.
        PathMatcher top = glob.startsWith("**/") ? FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)) : null;
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir))
                    .filter(p -> !hidden(dir.relativize(p)))
                    .filter(Files::isRegularFile)
                    .filter(p -> matcher.matches(dir.relativize(p)) || (top != null && top.matches(dir.relativize(p))))
                    .sorted((a, b) -> dir.relativize(a).toString().compareTo(dir.relativize(b).toString()))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new DataException(dir + ": cannot list its files (" + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + ")");
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) if (part.toString().startsWith(".")) return true;
        return false;
    }
}
