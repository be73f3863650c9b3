package io.patinox.evolution.service;

/**
 * Where a proposal is reviewed: a pull request on GitHub, or a local review record (the pushed branch and the
 * proposal's events on {@code patinox.proposals}).
 */
public interface PullRequests {

    /** An opened review. */
    record Review(String url, Integer number) {
    }

    /** Opens the review of {@code branch} against {@code base}. */
    Review open(String branch, String base, String title, String body);

    /**
     * Merges the review, if this is where merging happens.
     *
     * @return the new commit of the base branch, or null when the caller merges through git itself
     */
    String merge(Review review, String title);

    /** Closes the review unmerged (a rejection); nothing for a local record. */
    void close(Review review);

    /** The local review record: nothing to call, the branch is pushed and the events are the record. */
    final class Local implements PullRequests {
        private final String remote;

        public Local(String remote) {
            this.remote = remote;
        }

        @Override
        public Review open(String branch, String base, String title, String body) {
            return new Review("local:" + remote + "#" + branch, null);
        }

        @Override
        public String merge(Review review, String title) {
            return null;
        }

        @Override
        public void close(Review review) {
        }
    }
}
