package io.patinox.meshit;

import org.junit.jupiter.api.BeforeAll;

/**
 * A test class of the one shared mesh ({@link RunningMesh#shared()}): the first such class starts it, every later one
 * uses it. These classes run one after another, in the order of their {@code @Order} (junit-platform.properties).
 */
abstract class OnSharedMesh {

    static RunningMesh mesh;

    @BeforeAll
    static void shareMesh() {
        mesh = RunningMesh.shared();
    }
}
