import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizePackageName } from '../../../../src/scanner/db/trivy-db/index.ts';

describe('normalizePackageName', () => {
  const cases: [string, string, string][] = [
    ['pip', 'Django_Rest_Framework', 'django-rest-framework'],
    ['pip', 'PyYAML', 'pyyaml'],
    ['npm', '@Babel/Traverse', '@babel/traverse'],
    ['maven', 'org.Apache.logging.log4j:Log4j-Core', 'org.apache.logging.log4j:log4j-core'],
    ['nuget', 'Newtonsoft.Json', 'newtonsoft.json'],
    ['rubygems', 'Rails', 'rails'],
    ['composer', 'Symfony/HTTP-Kernel', 'symfony/http-kernel'],
    ['cargo', 'Serde_JSON', 'serde_json'],
    ['go', 'github.com/Masterminds/semver', 'github.com/Masterminds/semver'],
    ['cocoapods', 'AFNetworking', 'AFNetworking'],
    ['julia', 'HTTP', 'HTTP'],
    ['swift', 'https://github.com/Alamofire/Alamofire.git', 'github.com/Alamofire/Alamofire'],
    ['swift', 'github.com/vapor/vapor', 'github.com/vapor/vapor'],
  ];
  for (const [ecosystem, name, expected] of cases) {
    it(`${ecosystem}: ${name} → ${expected}`, () => {
      assert.equal(normalizePackageName(ecosystem, name), expected);
      assert.equal(normalizePackageName(ecosystem, expected), expected, 'idempotent');
    });
  }
});
