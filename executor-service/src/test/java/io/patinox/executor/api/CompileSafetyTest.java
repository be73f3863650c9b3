package io.patinox.executor.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.RunResult;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs javac on snippets: wrong workflow wiring and an incomplete agent builder must not compile. */
class CompileSafetyTest {

    @TempDir
    Path out;

    List<String> compile(String body) {
        String source = """
                import io.patinox.executor.api.*;
                import io.patinox.executor.config.*;
                class Snippet {
                    void snippet() {
                        %s
                    }
                }
                """.formatted(body);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        var file = new SimpleJavaFileObject(URI.create("string:///Snippet.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        String classpath = location(Workflow.class) + File.pathSeparator + location(RunResult.class);
        var options = List.of("-classpath", classpath, "-d", out.toString(), "--release", "17");
        javac.getTask(null, null, diagnostics, options, null, List.of(file)).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(d.getMessage(null));
            }
        }
        return errors;
    }

    static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void wellTypedCodeCompiles() {
        assertThat(compile("""
                Workflow<String, Integer> length = Workflow.of(String::length);
                Workflow<String, String> label = length.then(n -> "n=" + n);
                AgentDefinition a = AgentBuilder.named("a").model("scripted/a").instructions("i").policy("default").build();
                """)).isEmpty();
    }

    @Test
    void aStepWhoseInputDoesNotMatchThePreviousOutputDoesNotCompile() {
        List<String> errors = compile("""
                Workflow<String, Integer> length = Workflow.of(String::length);
                Workflow<String, String> trim = Workflow.of(String::trim);
                Workflow<String, String> wrong = length.then(trim);
                """);
        assertThat(errors).isNotEmpty();
        assertThat(String.join("\n", errors)).containsAnyOf("incompatible types", "cannot be applied", "no suitable method");
    }

    @Test
    void anAgentWithoutItsPolicyCannotBeBuilt() {
        List<String> errors = compile("""
                AgentDefinition a = AgentBuilder.named("a").model("scripted/a").instructions("i").build();
                """);
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("cannot find symbol").contains("build()"));
    }

    @Test
    void anAgentWithoutItsModelCannotBeBuilt() {
        assertThat(compile("""
                AgentDefinition a = AgentBuilder.named("a").instructions("i").policy("default").build();
                """)).anySatisfy(e -> assertThat(e).contains("cannot find symbol").contains("instructions"));
    }
}
