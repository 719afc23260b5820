package io.github.boneage.cli;

import io.github.boneage.djl.EnsembleBundle;
import io.github.boneage.djl.train.BoneAgeTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Warns when images about to be measured carry ids a model records as trained on ({@code training-ids.txt} of a bundle
 * folder, or of every member of an ensemble folder). A figure on training images is not a held-out figure; ids alone
 * cannot tell whether the images are the same ones (another data set may reuse the numbers), so {@code evaluate} and
 * {@code ensemble} warn and go on, while {@code calibrate}, whose output is only valid on held-out images, refuses.
 */
final class TrainedOnCheck {

    private TrainedOnCheck() {
    }

    /**
     * @param ids   the ids of the images to be measured
     * @param model a bundle folder, an ensemble folder, or anything else (a zip, a classpath model: nothing to check)
     * @return the ids among {@code ids} listed in the model's (or a member's) training list, sorted
     */
    static Set<String> listedAsTrainedOn(List<String> ids, Path model) {
        return listedAsTrainedOn(ids, bundleFolders(model));
    }

    /**
     * @param ids     the ids of the images to be measured
     * @param bundles bundle folders, e.g. an ensemble's members ({@link #bundleFolders})
     * @return the ids among {@code ids} listed in any of the bundles' training lists, sorted
     */
    static Set<String> listedAsTrainedOn(List<String> ids, List<Path> bundles) {
        Set<String> trained = new java.util.HashSet<>();
        for (Path folder : bundles) {
            trained.addAll(Datasets.readIdsIfPresent(folder.resolve(BoneAgeTrainer.TRAINING_IDS_FILE)));
        }
        Set<String> listed = new TreeSet<>();
        ids.stream().filter(trained::contains).forEach(listed::add);
        return listed;
    }

    /**
     * @param listed the ids found by {@link #listedAsTrainedOn}
     * @param total  how many images are measured
     * @param model  the model, as given
     * @return the warning to print, naming the count and the first ids
     */
    static String warning(Set<String> listed, int total, Object model) {
        return String.format(Locale.ROOT, "warning: %d of the %d images have ids that %s lists in %s (%s): if they come"
                + " from the data set it was trained on, this is a figure on training images, not a held-out one",
                listed.size(), total, model, BoneAgeTrainer.TRAINING_IDS_FILE, Datasets.firstIds(listed));
    }

    /**
     * @param model a bundle folder, an ensemble folder, or anything else
     * @return the bundle folders whose lists count: the ensemble's members, the bundle itself, or none
     */
    static List<Path> bundleFolders(Path model) {
        if (model == null || !Files.isDirectory(model)) {
            return List.of();
        }
        if (EnsembleBundle.isEnsemble(model)) {
            return EnsembleBundle.read(model).members().stream().map(EnsembleBundle.MemberEntry::folder).toList();
        }
        return List.of(model);
    }
}
