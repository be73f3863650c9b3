package io.patinox.contracts.events;

/**
 * The model that produced a step.
 *
 * @param provider e.g. {@code openai}, or {@code scripted} for the offline model that replays turns from a file
 * @param name the model name, or the script's name for the scripted model
 * @param scripted true when the turns were replayed from a file, not generated: never mistake these for a model's
 */
public record ModelRef(String provider, String name, boolean scripted) {
    public ModelRef {
        Checks.requiredText(provider, "model.provider");
        Checks.requiredText(name, "model.name");
    }
}
