import { childElement, childElements, childText, type XmlElement } from './xml-document.ts';

/** A `<dependency>` as written: every field raw (it may hold `${…}` references), absent fields empty. */
export interface PomDependency {
  groupId: string;
  artifactId: string;
  version: string;
  scope: string;
  type: string;
  optional: string;
}

export interface PomParent {
  groupId: string;
  artifactId: string;
  version: string;
  /**
   * Where the parent's POM is: undefined when the element is absent (Maven then looks at `../pom.xml`), `''` for an
   * empty `<relativePath/>`, which tells Maven to take the parent from a repository only.
   */
  relativePath: string | undefined;
}

/** What trivy-ts reads from one pom.xml, before inheritance and interpolation. */
export interface PomModel {
  groupId: string;
  artifactId: string;
  version: string;
  packaging: string;
  name: string;
  parent: PomParent | undefined;
  /** `<properties>`, in document order; a later duplicate wins, as in Maven. */
  properties: Map<string, string>;
  dependencyManagement: PomDependency[];
  dependencies: PomDependency[];
  /** `<modules>`: directories (or POM files) relative to this POM's directory. */
  modules: string[];
  licenses: string[];
}

/** The model of a `<project>` element. Profiles are not read: which one is active depends on the build. */
export function readPomModel(project: XmlElement): PomModel {
  const parentElement = childElement(project, 'parent');
  const properties = new Map<string, string>();
  for (const property of childElement(project, 'properties')?.children ?? [])
    properties.set(property.name, property.text);
  const management = childElement(project, 'dependencyManagement');
  return {
    groupId: childText(project, 'groupId') ?? '',
    artifactId: childText(project, 'artifactId') ?? '',
    version: childText(project, 'version') ?? '',
    packaging: childText(project, 'packaging') ?? '',
    name: childText(project, 'name') ?? '',
    parent: parentElement
      ? {
          groupId: childText(parentElement, 'groupId') ?? '',
          artifactId: childText(parentElement, 'artifactId') ?? '',
          version: childText(parentElement, 'version') ?? '',
          relativePath: childElement(parentElement, 'relativePath')?.text,
        }
      : undefined,
    properties,
    dependencyManagement: management ? dependenciesOf(management) : [],
    dependencies: dependenciesOf(project),
    modules: listed(project, 'modules', 'module')
      .map((module) => module.text)
      .filter((module) => module !== ''),
    licenses: listed(project, 'licenses', 'license')
      .map((license) => childText(license, 'name') ?? '')
      .filter((license) => license !== ''),
  };
}

/** `<list><item/>…</list>` inside `element`: the items. */
function listed(element: XmlElement, list: string, item: string): XmlElement[] {
  const container = childElement(element, list);
  return container ? childElements(container, item) : [];
}

function dependenciesOf(element: XmlElement): PomDependency[] {
  return listed(element, 'dependencies', 'dependency').map((dependency) => ({
    groupId: childText(dependency, 'groupId') ?? '',
    artifactId: childText(dependency, 'artifactId') ?? '',
    version: childText(dependency, 'version') ?? '',
    scope: childText(dependency, 'scope') ?? '',
    type: childText(dependency, 'type') ?? '',
    optional: childText(dependency, 'optional') ?? '',
  }));
}
