import type { Analyzer } from '../types.ts';
import { bunLockAnalyzer } from './bun.ts';
import { bundlerLockAnalyzer } from './bundler.ts';
import { cocoapodsLockAnalyzer } from './cocoapods.ts';
import { composerLockAnalyzer } from './composer.ts';
import { conanLockAnalyzer } from './conan.ts';
import { condaEnvironmentAnalyzer } from './conda-environment.ts';
import { goModAnalyzer } from './gomod.ts';
import { gradleLockAnalyzer } from './gradle.ts';
import { mixLockAnalyzer } from './mix.ts';
import { npmLockAnalyzer } from './npm.ts';
import { nugetConfigAnalyzer } from './nuget-config.ts';
import { nugetLockAnalyzer } from './nuget.ts';
import { packagesPropsAnalyzer } from './packages-props.ts';
import { pipRequirementsAnalyzer } from './pip.ts';
import { pipenvLockAnalyzer } from './pipenv.ts';
import { pnpmLockAnalyzer } from './pnpm.ts';
import { poetryLockAnalyzer } from './poetry.ts';
import { pomAnalyzer } from './pom.ts';
import { pubspecLockAnalyzer } from './pub.ts';
import { pylockAnalyzer } from './pylock.ts';
import { sbtLockAnalyzer } from './sbt.ts';
import { swiftResolvedAnalyzer } from './swift.ts';
import { uvLockAnalyzer } from './uv.ts';
import { yarnLockAnalyzer } from './yarn.ts';

/**
 * Lock-file analyzers: what a project says it installs. Trivy reads them in `fs` and `repo` scans only; an image
 * shows what is actually installed, so `image` leaves them out (spec §3.6).
 */
export const lockFileAnalyzers: readonly Analyzer[] = [
  npmLockAnalyzer,
  yarnLockAnalyzer,
  pnpmLockAnalyzer,
  bunLockAnalyzer,
  pipRequirementsAnalyzer,
  pipenvLockAnalyzer,
  poetryLockAnalyzer,
  uvLockAnalyzer,
  pylockAnalyzer,
  goModAnalyzer,
  pomAnalyzer,
  gradleLockAnalyzer,
  sbtLockAnalyzer,
  composerLockAnalyzer,
  bundlerLockAnalyzer,
  nugetLockAnalyzer,
  nugetConfigAnalyzer,
  packagesPropsAnalyzer,
  conanLockAnalyzer,
  mixLockAnalyzer,
  pubspecLockAnalyzer,
  cocoapodsLockAnalyzer,
  swiftResolvedAnalyzer,
  condaEnvironmentAnalyzer,
];
