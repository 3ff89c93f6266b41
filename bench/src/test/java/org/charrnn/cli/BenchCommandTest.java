package org.charrnn.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bench joins the command line from its own module: Main finds it on this classpath, its usage line
 * is the README's, its help fits 80 columns, its documented mistakes say what docs/errors.md says, and
 * the product's packages do not reach into it.
 */
class BenchCommandTest {
    @TempDir
    static Path t;

    @Test
    void mainFindsBenchOnTheClasspath() throws IOException {
        Command bench = Main.commands().stream().filter(c -> c.name().equals("bench")).findFirst().orElse(null);
        assertTrue(bench instanceof BenchCommand, "Main's commands: " + Main.commands().stream().map(Command::name).toList());
        String row = "| `" + bench.usage().replace("|", "\\|") + "` |";
        assertTrue(Files.readString(Path.of("README.md")).contains(row), "README.md's commands table lacks " + row);
        CliRunner.Result help = CliRunner.run("bench", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("--verbose"), help.out());
        for (String line : help.out().split("\n")) {
            if (line.startsWith("usage: ")) continue; // the usage line is one line by design
            assertTrue(line.length() <= 80, "bench --help line over 80 columns: " + line);
        }
        assertTrue(CliRunner.run("--help").out().contains("  bench    "), "the command list names bench");
    }

    @TestFactory
    Stream<DynamicTest> benchsDocumentedMistakes() throws IOException {
        List<ErrorCatalogueTest.Row> rows = ErrorCatalogueTest.rows().stream().filter(r -> ErrorCatalogueTest.verb(r).equals("bench")).toList();
        assertTrue(rows.size() >= 3, "docs/errors.md has " + rows.size() + " bench rows");
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.id() + " " + row.situation(), () -> ErrorCatalogueTest.check(row, t, null)));
    }

    /** The arrows docs/map.md draws for bench: only its command uses it, and it uses the product, never the command line. */
    @Test
    void onlyItsCommandUsesBench() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.charrnn");
        noClasses().that().resideOutsideOfPackage("org.charrnn.bench..").and().haveNameNotMatching("org\\.charrnn\\.cli\\.BenchCommand(\\$.*)?")
                .should().dependOnClassesThat().resideInAPackage("org.charrnn.bench..").check(classes);
        noClasses().that().resideInAPackage("org.charrnn.bench..")
                .should().dependOnClassesThat().resideInAnyPackage("org.charrnn.cli..", "org.charrnn.spark..").check(classes);
    }
}
