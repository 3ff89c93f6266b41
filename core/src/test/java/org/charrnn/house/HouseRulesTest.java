package org.charrnn.house;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The house as docs/map.md draws it, checked on the compiled classes: the packages' floors and
 * the arrows between them (each package uses only those below it), no cycles among the model's
 * rooms, and only the command line prints or ends the process.
 */
class HouseRulesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.charrnn");

    @Test
    void everyArrowPointsDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("org.charrnn.cli..")
                .layer("serve").definedBy("org.charrnn.serve..")
                .layer("api").definedBy("org.charrnn.api..")
                .layer("train").definedBy("org.charrnn.train..")
                .layer("sample").definedBy("org.charrnn.sample..")
                .layer("report").definedBy("org.charrnn.report..")
                .layer("eval").definedBy("org.charrnn.eval..")
                .layer("checkpoint").definedBy("org.charrnn.checkpoint..")
                .layer("model").definedBy("org.charrnn.model..")
                .layer("data").definedBy("org.charrnn.data..")
                .layer("config").definedBy("org.charrnn.config..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("serve").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("api").mayOnlyBeAccessedByLayers("cli", "serve")
                .whereLayer("train").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("sample").mayOnlyBeAccessedByLayers("cli", "serve", "api", "train")
                .whereLayer("report").mayOnlyBeAccessedByLayers("cli", "serve", "api", "train")
                .whereLayer("eval").mayOnlyBeAccessedByLayers("cli", "serve", "api", "train")
                .whereLayer("checkpoint").mayOnlyBeAccessedByLayers("cli", "serve", "api", "train", "sample", "report", "eval")
                .whereLayer("model").mayOnlyBeAccessedByLayers("cli", "serve", "api", "train", "sample", "report", "eval",
                        "checkpoint")
                .whereLayer("data").mayOnlyBeAccessedByLayers("cli", "serve", "api", "train", "sample", "report", "eval",
                        "checkpoint", "model")
                .check(MAIN);
    }

    /** model's rooms: the cells and the output layer on the layer glue (layer) and the numeric toolkit (kernel), nothing back. */
    @Test
    void theModelsRoomsHaveNoCycles() {
        slices().matching("org.charrnn.model.(*)..").should().beFreeOfCycles().check(MAIN);
        noClasses().that().resideInAPackage("org.charrnn.model.kernel..")
                .should().dependOnClassesThat().resideInAnyPackage("org.charrnn.model.layer..", "org.charrnn.model.lstm..",
                        "org.charrnn.model.gru..", "org.charrnn.model.rnn..", "org.charrnn.model.output..")
                .check(MAIN);
    }

    @Test
    void onlyTheCommandLinePrintsOrExits() {
        noClasses().that().resideOutsideOfPackage("org.charrnn.cli..")
                .should().callMethod(System.class, "exit", int.class)
                .orShould().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .check(MAIN);
    }
}
