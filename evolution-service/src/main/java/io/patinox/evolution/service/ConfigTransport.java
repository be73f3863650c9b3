package io.patinox.evolution.service;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.PushCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Fetches from and pushes to the config remote ({@code origin} of evolution's clone), with a token when there is
 * one (GitHub's, over HTTPS). A remote that is a local checkout (the launcher's) receives the push through git's
 * own receive-pack ({@link #GIT_RECEIVE_PACK}), so that its {@code receive.denyCurrentBranch=updateInstead}
 * updates the files the services read along with the checked-out branch.
 */
final class ConfigTransport {

    static final String REMOTE = "origin";

    /**
     * The receiving side of a push to a local checkout: git's own, run by JGit as a process, because JGit's
     * in-process one (what it uses for the plain {@code git-receive-pack}) does not honour
     * {@code receive.denyCurrentBranch=updateInstead}. Any other spelling makes JGit fork the command.
     */
    static final String GIT_RECEIVE_PACK = "exec git receive-pack";

    private final Repository repository;
    private final String remoteUrl;
    private final String mainBranch;
    private final CredentialsProvider credentials;
    private final boolean localCheckout;

    ConfigTransport(Repository repository, String remoteUrl, String mainBranch, Optional<String> token) {
        this.repository = repository;
        this.remoteUrl = remoteUrl;
        this.mainBranch = mainBranch;
        this.credentials = token.map(t -> new UsernamePasswordCredentialsProvider("x-access-token", t)).orElse(null);
        this.localCheckout = isLocalCheckout(remoteUrl);
    }

    /** Brings the remote's branches into {@code refs/remotes/origin/*}. */
    void fetch() {
        try (Git git = Git.wrap(repository)) {
            git.fetch().setRemote(REMOTE).setRemoveDeletedRefs(true).setCredentialsProvider(credentials).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot fetch the config remote " + remoteUrl + ": " + e.getMessage(), e);
        }
    }

    /**
     * Pushes {@code source} (a ref or commit id) to the remote's {@code branch}; for the main branch a refused
     * fast-forward is a {@link ConfigRepository.ConflictException}.
     */
    void push(String source, String branch, boolean main) {
        try (Git git = Git.wrap(repository)) {
            PushCommand push = git.push().setRemote(REMOTE)
                    .setRefSpecs(new RefSpec(source + ":" + Constants.R_HEADS + branch))
                    .setCredentialsProvider(credentials);
            if (localCheckout) {
                push.setReceivePack(GIT_RECEIVE_PACK);
            }
            for (PushResult result : push.call()) {
                for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                    if (update.getStatus() != RemoteRefUpdate.Status.OK
                            && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        String why = update.getStatus() + (update.getMessage() == null ? "" : ": " + update.getMessage());
                        if (main && update.getStatus() == RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD) {
                            throw new ConfigRepository.ConflictException(mainBranch + " moved on the remote meanwhile ("
                                    + why + ")");
                        }
                        throw new IllegalStateException("the config remote " + remoteUrl + " refused " + branch + ": "
                                + why);
                    }
                }
            }
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot push " + branch + " to " + remoteUrl + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code url} names a local repository with a working tree. */
    static boolean isLocalCheckout(String url) {
        try {
            URIish uri = new URIish(url);
            if (uri.getScheme() != null && !"file".equals(uri.getScheme())) {
                return false;
            }
            Path path = Path.of(uri.getPath());
            return Files.isDirectory(path.resolve(Constants.DOT_GIT))
                    || (path.getFileName() != null && path.getFileName().toString().equals(Constants.DOT_GIT));
        } catch (URISyntaxException | RuntimeException e) {
            return false;
        }
    }
}
