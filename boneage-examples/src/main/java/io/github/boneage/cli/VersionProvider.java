package io.github.boneage.cli;

import picocli.CommandLine;

/** Reports the version recorded in the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = BoneAgeCli.class.getPackage().getImplementationVersion();
        return new String[] {"boneage " + (v == null ? "(development build)" : v)};
    }
}
