/**
 * One realistic fake secret per built-in rule, plus near misses and allowed values that must not be reported.
 * Secrets are generated from a fixed seed so that no real credential (and no upstream fixture) is embedded.
 * Expected category/severity/title come from Trivy's documented rule table, independently of the rule data.
 */

let seed = 0x2545f491;
function nextRandom(): number {
  // xorshift32: deterministic across runs.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}

export const charsets = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  lowerAlnum: 'abcdefghijklmnopqrstuvwxyz0123456789',
  upperAlnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  hex: '0123456789abcdef',
  hexAH: '0123456789abcdefgh',
  digits: '0123456789',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  urlSafe: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  lowerUrlSafe: 'abcdefghijklmnopqrstuvwxyz0123456789_-',
  lowerUrlSafeEq: 'abcdefghijklmnopqrstuvwxyz0123456789_-=',
  urlSafeEq: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-=',
  dotted: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.',
  base32: 'abcdefghijklmnopqrstuvwxyz234567',
  bech32: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
  entra: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-',
} as const;

export function fake(charset: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += charset[Math.floor(nextRandom() * charset.length)];
  return out;
}

const uuid = (cs: string): string =>
  `${fake(cs, 8)}-${fake(cs, 4)}-${fake(cs, 4)}-${fake(cs, 4)}-${fake(cs, 12)}`;

export interface RuleCase {
  id: string;
  category: string;
  severity: string;
  title: string;
  /** File content holding exactly one secret for this rule. */
  content: string;
  /** The bytes Trivy masks (the secret group, or the whole match for rules without one). */
  secret: string;
  /** Expected 1-based lines; default: the line holding the secret. */
  startLine?: number;
  endLine?: number;
  /** Expected Match; default: the secret's line with the secret replaced by `*`. */
  match?: string;
  /** Contents that must not yield a finding for this rule. */
  negatives: string[];
}

const c = charsets;

function single(
  id: string,
  category: string,
  severity: string,
  title: string,
  prefix: string,
  secret: string,
  suffix: string,
  negatives: string[],
): RuleCase {
  return { id, category, severity, title, content: `${prefix}${secret}${suffix}`, secret, negatives };
}

/** A `<key> = "<secret>"` line for the generic vendor rules. */
function vendor(
  id: string,
  category: string,
  severity: string,
  title: string,
  key: string,
  secret: string,
  nearMiss: string,
): RuleCase {
  return single(id, category, severity, title, `${key} = "`, secret, '"', [`${key} = "${nearMiss}"`]);
}

function build(): RuleCase[] {
  const cases: RuleCase[] = [];
  const add = (rc: RuleCase): void => {
    cases.push(rc);
  };

  add(
    single(
      'aws-access-key-id',
      'AWS',
      'CRITICAL',
      'AWS Access Key ID',
      'AWS_ACCESS_KEY_ID=',
      `AKIA${fake(c.upperAlnum, 16)}`,
      '',
      [`AWS_ACCESS_KEY_ID=AKIA${fake(c.upperAlnum, 15)}`, 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE'],
    ),
  );
  add(
    single(
      'aws-secret-access-key',
      'AWS',
      'CRITICAL',
      'AWS Secret Access Key',
      'aws_secret_access_key = ',
      fake(c.base64, 40),
      '',
      [`aws_secret_access_key = ${fake(c.base64, 41)}`, `aws_region = ${fake(c.base64, 40)}`],
    ),
  );
  add(
    single(
      'github-pat',
      'GitHub',
      'CRITICAL',
      'GitHub Personal Access Token',
      'GITHUB_TOKEN=',
      `ghp_${fake(c.alnum, 36)}`,
      '',
      [`GITHUB_TOKEN=ghp_${fake(c.alnum, 35)}`],
    ),
  );
  add(
    single(
      'github-oauth',
      'GitHub',
      'CRITICAL',
      'GitHub OAuth Access Token',
      'token: ',
      `gho_${fake(c.alnum, 36)}`,
      '',
      [`token: xgho_${fake(c.alnum, 36)}`],
    ),
  );
  add(
    single(
      'github-app-token',
      'GitHub',
      'CRITICAL',
      'GitHub App Token',
      'GH_APP_TOKEN=',
      `ghs_${fake(c.alnum, 36)}`,
      '',
      [`GH_APP_TOKEN=ghs_${fake(c.alnum, 20)}`],
    ),
  );
  add(
    single(
      'github-refresh-token',
      'GitHub',
      'CRITICAL',
      'GitHub Refresh Token',
      'refresh=',
      `ghr_${fake(c.alnum, 76)}`,
      '',
      [`refresh=ghr_${fake(c.alnum, 75)}`],
    ),
  );
  add(
    single(
      'github-fine-grained-pat',
      'GitHub',
      'CRITICAL',
      'GitHub Fine-grained personal access tokens',
      'GITHUB_TOKEN=',
      `github_pat_${fake(c.alnum, 22)}_${fake(c.alnum, 59)}`,
      '',
      [`GITHUB_TOKEN=github_pat_${fake(c.alnum, 22)}_${fake(c.alnum, 58)}`],
    ),
  );
  add(
    single(
      'gitlab-pat',
      'GitLab',
      'CRITICAL',
      'GitLab Personal Access Token',
      'GITLAB_TOKEN=',
      `glpat-${fake(c.urlSafe, 20)}`,
      '',
      [`GITLAB_TOKEN=glpat-${fake(c.urlSafe, 19)}`],
    ),
  );
  add(
    single(
      'hugging-face-access-token',
      'HuggingFace',
      'CRITICAL',
      'Hugging Face Access Token',
      'HF_TOKEN=',
      `hf_${fake(c.alnum, 34)}`,
      '',
      [`HF_TOKEN=hf_${fake(c.alnum, 33)}`],
    ),
  );
  {
    const body = [fake(c.base64, 64), fake(c.base64, 64), `${fake(c.base64, 18)}==`];
    const secret = `\n${body.join('\n')}\n`;
    add({
      id: 'private-key',
      category: 'AsymmetricPrivateKey',
      severity: 'HIGH',
      title: 'Asymmetric Private Key',
      content: `-----BEGIN OPENSSH PRIVATE KEY-----${secret}-----END OPENSSH PRIVATE KEY-----\n`,
      secret,
      startLine: 1,
      endLine: 5,
      match: '-----BEGIN OPENSSH PRIVATE KEY-----',
      negatives: [
        `-----BEGIN RSA PRIVATE KEY-----\n${fake(c.base64, 20)}\n-----END RSA PRIVATE KEY-----`,
        `-----BEGIN PUBLIC KEY-----\n${fake(c.base64, 64)}\n-----END PUBLIC KEY-----`,
      ],
    });
  }
  add(
    single(
      'shopify-token',
      'Shopify',
      'HIGH',
      'Shopify token',
      'SHOPIFY_TOKEN=',
      `shpat_${fake(c.hex, 32)}`,
      '',
      [`SHOPIFY_TOKEN=shpat_${fake(c.hex, 31)}`],
    ),
  );
  add(
    single(
      'slack-access-token',
      'Slack',
      'HIGH',
      'Slack token',
      'SLACK_BOT_TOKEN=',
      `xoxb-${fake(c.alnum, 24)}`,
      '',
      [`SLACK_BOT_TOKEN=xoxb-${fake(c.alnum, 9)}`],
    ),
  );
  add(
    single(
      'stripe-publishable-token',
      'Stripe',
      'LOW',
      'Stripe Publishable Key',
      'STRIPE_PUBLISHABLE_KEY=',
      `pk_live_${fake(c.lowerAlnum, 24)}`,
      '',
      [`STRIPE_PUBLISHABLE_KEY=pk_live_${fake(c.lowerAlnum, 9)}`],
    ),
  );
  add(
    single(
      'stripe-secret-token',
      'Stripe',
      'CRITICAL',
      'Stripe Secret Key',
      'STRIPE_SECRET_KEY=',
      `sk_live_${fake(c.lowerAlnum, 24)}`,
      '',
      [`STRIPE_SECRET_KEY=xsk_live_${fake(c.lowerAlnum, 24)}`],
    ),
  );
  add(
    single(
      'pypi-upload-token',
      'PyPI',
      'HIGH',
      'PyPI upload token',
      'PYPI_TOKEN=',
      `pypi-AgEIcHlwaS5vcmc${fake(c.urlSafe, 60)}`,
      '',
      [`PYPI_TOKEN=pypi-AgEIcHlwaS5vcmc${fake(c.urlSafe, 49)}`],
    ),
  );
  add({
    id: 'gcp-service-account',
    category: 'Google',
    severity: 'CRITICAL',
    title: 'Google (GCP) Service-account',
    content: `{\n  "type": "service_account",\n  "project_id": "billing-prod-${fake(c.digits, 6)}"\n}\n`,
    secret: '"type": "service_account"',
    startLine: 2,
    endLine: 2,
    match: `  ${'*'.repeat(25)},`,
    negatives: ['{\n  "type": "authorized_user",\n  "client_id": "abc"\n}\n'],
  });
  {
    const key = uuid('0123456789ABCDEF');
    add(
      single('heroku-api-key', 'Heroku', 'HIGH', 'Heroku API Key', 'export heroku_api_key="', key, '"', [
        // Upstream's pattern wants a blank before the key name.
        `heroku_api_key="${key}"`,
      ]),
    );
  }
  add(
    single(
      'slack-web-hook',
      'Slack',
      'MEDIUM',
      'Slack Webhook',
      'SLACK_WEBHOOK=',
      `https://hooks.slack.com/services/${fake(c.base64, 44)}`,
      '',
      [`SLACK_WEBHOOK=https://hooks.slack.com/services/${fake(c.base64, 43)}`],
    ),
  );
  add(
    single(
      'twilio-api-key',
      'Twilio',
      'MEDIUM',
      'Twilio API Key',
      'TWILIO_API_KEY=',
      `SK${fake(c.hex, 32)}`,
      '',
      [`TWILIO_API_KEY=SK${fake(c.hex, 31)}`],
    ),
  );
  add(
    single(
      'age-secret-key',
      'Age',
      'MEDIUM',
      'Age secret key',
      '# key: ',
      `AGE-SECRET-KEY-1${fake(c.bech32, 58)}`,
      '',
      [`# key: age-secret-key-1${fake(c.bech32, 58).toLowerCase()}`],
    ),
  );
  add(
    vendor(
      'facebook-token',
      'Facebook',
      'LOW',
      'Facebook token',
      'facebook_app_secret',
      fake(c.hex, 32),
      fake(c.hex, 31),
    ),
  );
  add(
    vendor(
      'twitter-token',
      'Twitter',
      'LOW',
      'Twitter token',
      'twitter_consumer_secret',
      fake(c.hex, 40),
      fake(c.hex, 34),
    ),
  );
  add(
    vendor(
      'adobe-client-id',
      'Adobe',
      'LOW',
      'Adobe Client ID (Oauth Web)',
      'adobe_client_id',
      fake(c.hex, 32),
      fake(c.hex, 31),
    ),
  );
  add(
    single(
      'adobe-client-secret',
      'Adobe',
      'LOW',
      'Adobe Client Secret',
      'ADOBE_CLIENT_SECRET=',
      `p8e-${fake(c.alnum, 32)}`,
      '',
      [`ADOBE_CLIENT_SECRET=p8e-${fake(c.alnum, 31)}`],
    ),
  );
  add(
    single(
      'alibaba-access-key-id',
      'Alibaba',
      'HIGH',
      'Alibaba AccessKey ID',
      'key = ',
      `LTAI${fake(c.alnum, 20)}`,
      ',',
      [`key = asdLTAI${fake(c.alnum, 20)}`, `key = LTAI${fake(c.alnum, 23)}`],
    ),
  );
  add(
    vendor(
      'alibaba-secret-key',
      'Alibaba',
      'HIGH',
      'Alibaba Secret Key',
      'alibaba_secret',
      fake(c.lowerAlnum, 30),
      fake(c.lowerAlnum, 29),
    ),
  );
  add(
    vendor(
      'asana-client-id',
      'Asana',
      'MEDIUM',
      'Asana Client ID',
      'asana_client_id',
      fake(c.digits, 16),
      fake(c.digits, 15),
    ),
  );
  add(
    vendor(
      'asana-client-secret',
      'Asana',
      'MEDIUM',
      'Asana Client Secret',
      'asana_client_secret',
      fake(c.lowerAlnum, 32),
      fake(c.lowerAlnum, 31),
    ),
  );
  add(
    vendor(
      'atlassian-api-token',
      'Atlassian',
      'HIGH',
      'Atlassian API token',
      'atlassian_api_token',
      fake(c.lowerAlnum, 24),
      fake(c.lowerAlnum, 23),
    ),
  );
  add(
    vendor(
      'bitbucket-client-id',
      'Bitbucket',
      'HIGH',
      'Bitbucket client ID',
      'bitbucket_client_id',
      fake(c.lowerAlnum, 32),
      fake(c.lowerAlnum, 31),
    ),
  );
  add(
    vendor(
      'bitbucket-client-secret',
      'Bitbucket',
      'HIGH',
      'Bitbucket client secret',
      'bitbucket_secret',
      fake(c.lowerUrlSafe, 64),
      fake(c.lowerUrlSafe, 63),
    ),
  );
  add(
    vendor(
      'beamer-api-token',
      'Beamer',
      'LOW',
      'Beamer API token',
      'beamer_api_key',
      `b_${fake(c.lowerUrlSafeEq, 44)}`,
      `b_${fake(c.lowerUrlSafeEq, 43)}`,
    ),
  );
  add(
    single(
      'clojars-api-token',
      'Clojars',
      'MEDIUM',
      'Clojars API token',
      'token: ',
      `CLOJARS_${fake(c.alnum, 60)}`,
      '',
      [`token: CLOJARS_${fake(c.alnum, 59)}`],
    ),
  );
  add(
    vendor(
      'contentful-delivery-api-token',
      'ContentfulDelivery',
      'LOW',
      'Contentful delivery API token',
      'contentful_delivery_token',
      fake(c.lowerUrlSafeEq, 43),
      fake(c.lowerUrlSafeEq, 42),
    ),
  );
  add(
    single(
      'databricks-api-token',
      'Databricks',
      'MEDIUM',
      'Databricks API token',
      'DATABRICKS_TOKEN=',
      `dapi${fake(c.hexAH, 32)}`,
      '',
      [`DATABRICKS_TOKEN=dapi${fake(c.hexAH, 31)}`],
    ),
  );
  add(
    vendor(
      'discord-api-token',
      'Discord',
      'MEDIUM',
      'Discord API key',
      'discord_api_key',
      fake(c.hexAH, 64),
      fake(c.hexAH, 63),
    ),
  );
  add(
    vendor(
      'discord-client-id',
      'Discord',
      'MEDIUM',
      'Discord client ID',
      'discord_client_id',
      fake(c.digits, 18),
      fake(c.digits, 17),
    ),
  );
  add(
    vendor(
      'discord-client-secret',
      'Discord',
      'MEDIUM',
      'Discord client secret',
      'discord_client_secret',
      fake(c.lowerUrlSafeEq, 32),
      fake(c.lowerUrlSafeEq, 31),
    ),
  );
  {
    const token = fake(c.alnum, 43);
    add(
      single(
        'doppler-api-token',
        'Doppler',
        'MEDIUM',
        'Doppler API token',
        'DOPPLER_TOKEN=',
        `"dp.pt.${token}"`,
        '',
        [`DOPPLER_TOKEN=dp.pt.${token}`],
      ),
    );
  }
  {
    const secret = `dropbox_app_secret = "${fake(c.lowerAlnum, 15)}"`;
    add(
      single('dropbox-api-secret', 'Dropbox', 'HIGH', 'Dropbox API secret/key', '', secret, '', [
        `dropbox_app_secret = "${fake(c.lowerAlnum, 14)}"`,
      ]),
    );
  }
  add(
    single(
      'dropbox-short-lived-api-token',
      'Dropbox',
      'HIGH',
      'Dropbox short lived API token',
      '',
      `dropbox_token = "sl.${fake(c.lowerUrlSafeEq, 135)}"`,
      '',
      [`dropbox_token = "sl.${fake(c.lowerUrlSafeEq, 134)}"`],
    ),
  );
  {
    const head = fake(c.lowerAlnum, 11);
    const tail = fake(c.lowerUrlSafeEq, 43);
    add(
      single(
        'dropbox-long-lived-api-token',
        'Dropbox',
        'HIGH',
        'Dropbox long lived API token',
        '',
        `dropbox_token = "${head}AAAAAAAAAA${tail}"`,
        '',
        [`dropbox_token = "${head}BBBBBBBBBB${tail}"`],
      ),
    );
  }
  add(
    single(
      'duffel-api-token',
      'Duffel',
      'LOW',
      'Duffel API token',
      'DUFFEL_TOKEN=',
      `"duffel_live_${fake(c.urlSafe, 43)}"`,
      '',
      [`DUFFEL_TOKEN="duffel_live_${fake(c.urlSafe, 42)}"`],
    ),
  );
  add(
    single(
      'dynatrace-api-token',
      'Dynatrace',
      'MEDIUM',
      'Dynatrace API token',
      'DT_TOKEN=',
      `"dt0c01.${fake(c.upperAlnum, 24)}.${fake(c.alnum, 64)}"`,
      '',
      [`DT_TOKEN="dt0c01.${fake(c.upperAlnum, 23)}.${fake(c.alnum, 64)}"`],
    ),
  );
  add(
    single(
      'easypost-api-token',
      'Easypost',
      'LOW',
      'EasyPost API token',
      'EASYPOST_KEY=',
      `"EZAK${fake(c.alnum, 54)}"`,
      '',
      [`EASYPOST_KEY="EZAK${fake(c.alnum, 53)}"`],
    ),
  );
  add(
    vendor(
      'fastly-api-token',
      'Fastly',
      'MEDIUM',
      'Fastly API token',
      'fastly_api_token',
      fake(c.lowerUrlSafeEq, 32),
      fake(c.lowerUrlSafeEq, 31),
    ),
  );
  add(
    vendor(
      'finicity-client-secret',
      'Finicity',
      'MEDIUM',
      'Finicity client secret',
      'finicity_client_secret',
      fake(c.lowerAlnum, 20),
      fake(c.lowerAlnum, 19),
    ),
  );
  add(
    vendor(
      'finicity-api-token',
      'Finicity',
      'MEDIUM',
      'Finicity API token',
      'finicity_api_token',
      fake(c.hex, 32),
      fake(c.hex, 31),
    ),
  );
  {
    const key = fake(c.hexAH, 32);
    add(
      single(
        'flutterwave-public-key',
        'Flutterwave',
        'MEDIUM',
        'Flutterwave public/secret key',
        'FLW_PUBLIC_KEY=',
        `FLWPUBK_TEST-${key}-X`,
        '',
        [`FLW_PUBLIC_KEY=FLWPUBK_TEST-${key}-Y`],
      ),
    );
  }
  add(
    single(
      'flutterwave-enc-key',
      'Flutterwave',
      'MEDIUM',
      'Flutterwave encrypted key',
      'FLW_ENCRYPTION_KEY=',
      `FLWSECK_TEST${fake(c.hexAH, 12)}`,
      '',
      ['FLW_ENCRYPTION_KEY=FLWSECK_TESTzzzzzzzzzzzz'],
    ),
  );
  add(
    single(
      'frameio-api-token',
      'Frameio',
      'LOW',
      'Frame.io API token',
      'FRAMEIO_TOKEN=',
      `fio-u-${fake(c.urlSafeEq, 64)}`,
      '',
      [`FRAMEIO_TOKEN=fio-u-${fake(c.urlSafeEq, 63)}`],
    ),
  );
  add(
    single(
      'gocardless-api-token',
      'GoCardless',
      'MEDIUM',
      'GoCardless API token',
      'GOCARDLESS_TOKEN=',
      `"live_${fake(c.urlSafeEq, 40)}"`,
      '',
      [`GOCARDLESS_TOKEN="live_${fake(c.urlSafeEq, 39)}"`],
    ),
  );
  add(
    single(
      'grafana-api-token',
      'Grafana',
      'MEDIUM',
      'Grafana API token',
      'GRAFANA_TOKEN=',
      `eyJrIjoi${fake(c.urlSafeEq, 72)}`,
      '',
      [`GRAFANA_TOKEN=eyJrIjoi${fake(c.urlSafeEq, 71)}`],
    ),
  );
  add(
    single(
      'hashicorp-tf-api-token',
      'HashiCorp',
      'MEDIUM',
      'HashiCorp Terraform user/org API token',
      'TFE_TOKEN=',
      `"${fake(c.alnum, 14)}.atlasv1.${fake(c.lowerUrlSafeEq, 64)}"`,
      '',
      [`TFE_TOKEN="${fake(c.alnum, 13)}.atlasv1.${fake(c.lowerUrlSafeEq, 64)}"`],
    ),
  );
  add(
    vendor(
      'hubspot-api-token',
      'HubSpot',
      'LOW',
      'HubSpot API token',
      'hubspot_api_key',
      uuid(c.hexAH),
      `${fake(c.hexAH, 8)}-zzzz-${fake(c.hexAH, 4)}`,
    ),
  );
  add(
    vendor(
      'intercom-api-token',
      'Intercom',
      'LOW',
      'Intercom API token',
      'intercom_access_token',
      fake(`${c.lowerAlnum}=_`, 60),
      fake(c.lowerAlnum, 59),
    ),
  );
  add(
    vendor(
      'intercom-client-secret',
      'Intercom',
      'LOW',
      'Intercom client secret/ID',
      'intercom_client_secret',
      uuid(c.hexAH),
      fake(c.hexAH, 36),
    ),
  );
  add({
    ...single(
      'ionic-api-token',
      'Ionic',
      'UNKNOWN',
      'Ionic API token',
      '',
      `ionic_api_token = "ion_${fake(c.lowerAlnum, 42)}"`,
      '',
      [`ionic_api_token = "ion_${fake(c.lowerAlnum, 41)}"`],
    ),
  });
  {
    const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
    const payload = Buffer.from('{"sub":"1234567890","name":"Alice"}').toString('base64url');
    const jwt = `${header}.${payload}.${fake(c.urlSafe, 43)}`;
    add(
      single('jwt-token', 'JWT', 'MEDIUM', 'JWT token', 'AUTH_TOKEN=', jwt, '', [
        `AUTH_TOKEN=${header}.notajwt`,
        `GITHUB_TOKEN=ghs_15368_${jwt}`,
      ]),
    );
  }
  add(
    single(
      'linear-api-token',
      'Linear',
      'MEDIUM',
      'Linear API token',
      'LINEAR_API_KEY=',
      `lin_api_${fake(c.alnum, 40)}`,
      '',
      [`LINEAR_API_KEY=lin_api_${fake(c.alnum, 39)}`],
    ),
  );
  add(
    vendor(
      'linear-client-secret',
      'Linear',
      'MEDIUM',
      'Linear client secret/ID',
      'linear_client_secret',
      fake(c.hex, 32),
      fake(c.hex, 31),
    ),
  );
  add(
    vendor(
      'lob-api-key',
      'Lob',
      'LOW',
      'Lob API Key',
      'lob_api_key',
      `live_${fake(c.hex, 35)}`,
      `live_${fake(c.hex, 34)}`,
    ),
  );
  add(
    vendor(
      'lob-pub-api-key',
      'Lob',
      'LOW',
      'Lob Publishable API Key',
      'lob_pub_key',
      `test_pub_${fake(c.hex, 31)}`,
      `test_pub_${fake(c.hex, 30)}`,
    ),
  );
  {
    const key = fake(c.hex, 32);
    add(
      vendor(
        'mailchimp-api-key',
        'Mailchimp',
        'MEDIUM',
        'Mailchimp API key',
        'mailchimp_api_key',
        `${key}-us20`,
        `${key}-us21`,
      ),
    );
  }
  add(
    vendor(
      'mailgun-token',
      'Mailgun',
      'MEDIUM',
      'Mailgun private API token',
      'mailgun_api_key',
      `key-${fake(c.hex, 32)}`,
      `key-${fake(c.hex, 31)}`,
    ),
  );
  add(
    vendor(
      'mailgun-signing-key',
      'Mailgun',
      'MEDIUM',
      'Mailgun webhook signing key',
      'mailgun_signing_key',
      `${fake(c.hexAH, 32)}-${fake(c.hexAH, 8)}-${fake(c.hexAH, 8)}`,
      `${fake(c.hexAH, 32)}-${fake(c.hexAH, 8)}-${fake(c.hexAH, 7)}`,
    ),
  );
  add(
    single(
      'mapbox-api-token',
      'Mapbox',
      'MEDIUM',
      'Mapbox API token',
      'MAPBOX_TOKEN=',
      `pk.${fake(c.alnum, 60)}.${fake(c.alnum, 22)}`,
      '',
      [`MAPBOX_TOKEN=pk.${fake(c.alnum, 59)}.${fake(c.alnum, 22)}`],
    ),
  );
  add(
    vendor(
      'messagebird-api-token',
      'MessageBird',
      'MEDIUM',
      'MessageBird API token',
      'messagebird_access_key',
      fake(c.lowerAlnum, 25),
      fake(c.lowerAlnum, 24),
    ),
  );
  add(
    vendor(
      'messagebird-client-id',
      'MessageBird',
      'MEDIUM',
      'MessageBird API client ID',
      'messagebird_client_id',
      uuid(c.hexAH),
      fake(c.hexAH, 36),
    ),
  );
  add(
    single(
      'new-relic-user-api-key',
      'NewRelic',
      'MEDIUM',
      'New Relic user API Key',
      'NEW_RELIC_API_KEY=',
      `"NRAK-${fake(c.upperAlnum, 27)}"`,
      '',
      [`NEW_RELIC_API_KEY="NRAK-${fake(c.upperAlnum, 26)}"`],
    ),
  );
  add(
    vendor(
      'new-relic-user-api-id',
      'NewRelic',
      'MEDIUM',
      'New Relic user API ID',
      'newrelic_user_id',
      fake(c.upperAlnum, 64),
      fake(c.upperAlnum, 63),
    ),
  );
  add(
    single(
      'new-relic-browser-api-token',
      'NewRelic',
      'MEDIUM',
      'New Relic ingest browser API token',
      'NEW_RELIC_BROWSER_KEY=',
      `"NRJS-${fake(c.hex, 19)}"`,
      '',
      [`NEW_RELIC_BROWSER_KEY="NRJS-${fake(c.hex, 18)}"`],
    ),
  );
  {
    const token = fake(c.alnum, 36);
    add(
      single('npm-access-token', 'Npm', 'CRITICAL', 'npm access token', 'NPM_TOKEN=', `"npm_${token}"`, '', [
        `NPM_TOKEN=npm_${token}`,
      ]),
    );
  }
  add(
    single(
      'planetscale-password',
      'Planetscale',
      'MEDIUM',
      'PlanetScale password',
      'PLANETSCALE_PASSWORD=',
      `pscale_pw_${fake(c.dotted, 43)}`,
      '',
      [`PLANETSCALE_PASSWORD=pscale_pw_${fake(c.dotted, 42)}`],
    ),
  );
  add(
    single(
      'planetscale-api-token',
      'Planetscale',
      'MEDIUM',
      'PlanetScale API token',
      'PLANETSCALE_TOKEN=',
      `pscale_tkn_${fake(c.dotted, 43)}`,
      '',
      [`PLANETSCALE_TOKEN=pscale_tkn_${fake(c.dotted, 42)}`],
    ),
  );
  add(
    single(
      'private-packagist-token',
      'Private Packagist',
      'HIGH',
      'Private Packagist token',
      'COMPOSER_TOKEN=',
      `packagist_uut_${fake(c.hex, 68)}`,
      '',
      [`COMPOSER_TOKEN=packagist_uut_${fake(c.hex, 67)}`],
    ),
  );
  add(
    single(
      'postman-api-token',
      'Postman',
      'MEDIUM',
      'Postman API token',
      'POSTMAN_API_KEY=',
      `PMAK-${fake(c.hex, 24)}-${fake(c.hex, 34)}`,
      '',
      [`POSTMAN_API_KEY=PMAK-${fake(c.hex, 24)}-${fake(c.hex, 33)}`],
    ),
  );
  add(
    single(
      'pulumi-api-token',
      'Pulumi',
      'HIGH',
      'Pulumi API token',
      'PULUMI_ACCESS_TOKEN=',
      `pul-${fake(c.hex, 40)}`,
      '',
      [`PULUMI_ACCESS_TOKEN=pul-${fake(c.hex, 39)}`],
    ),
  );
  add(
    single(
      'rubygems-api-token',
      'RubyGems',
      'MEDIUM',
      'Rubygem API token',
      'GEM_HOST_API_KEY=',
      `rubygems_${fake(c.hex, 48)}`,
      '',
      [`GEM_HOST_API_KEY=rubygems_${fake(c.hex, 47)}`],
    ),
  );
  add(
    single(
      'sendgrid-api-token',
      'SendGrid',
      'MEDIUM',
      'SendGrid API token',
      'SENDGRID_API_KEY=',
      `SG.${fake(c.urlSafe, 22)}.${fake(c.urlSafe, 43)}`,
      '',
      [`SENDGRID_API_KEY=SG.${fake(c.urlSafe, 22)}.${fake(c.urlSafe, 42)}`],
    ),
  );
  add(
    single(
      'sendinblue-api-token',
      'Sendinblue',
      'LOW',
      'Sendinblue API token',
      'SENDINBLUE_KEY=',
      `xkeysib-${fake(c.hex, 64)}-${fake(c.alnum, 16)}`,
      '',
      [`SENDINBLUE_KEY=xkeysib-${fake(c.hex, 64)}-${fake(c.alnum, 15)}`],
    ),
  );
  add(
    single(
      'shippo-api-token',
      'Shippo',
      'LOW',
      'Shippo API token',
      'SHIPPO_TOKEN=',
      `shippo_live_${fake(c.hex, 40)}`,
      '',
      [`SHIPPO_TOKEN=shippo_live_${fake(c.hex, 39)}`],
    ),
  );
  add(
    vendor(
      'linkedin-client-secret',
      'LinkedIn',
      'LOW',
      'LinkedIn Client secret',
      'linkedin_client_secret',
      fake(c.lower, 16),
      fake(c.lower, 15),
    ),
  );
  add(
    vendor(
      'linkedin-client-id',
      'LinkedIn',
      'LOW',
      'LinkedIn Client ID',
      'linkedin_client_id',
      fake(c.lowerAlnum, 14),
      fake(c.lowerAlnum, 13),
    ),
  );
  add(
    vendor(
      'twitch-api-token',
      'Twitch',
      'LOW',
      'Twitch API token',
      'twitch_api_token',
      fake(c.lowerAlnum, 30),
      fake(c.lowerAlnum, 29),
    ),
  );
  add(
    single(
      'typeform-api-token',
      'Typeform',
      'LOW',
      'Typeform API token',
      'typeform_api_token = ',
      `tfp_${fake(`${c.lowerAlnum}-_.=`, 59)}`,
      '',
      [`typeform_api_token = tfp_${fake(c.lowerAlnum, 58)}`],
    ),
  );
  {
    const auth = Buffer.from(
      `{"auths":{"registry.internal:5000":{"auth":"${fake(c.base64, 24)}"}}}`,
    ).toString('base64');
    add({
      id: 'dockerconfig-secret',
      category: 'Docker',
      severity: 'HIGH',
      title: 'Dockerconfig secret exposed',
      content: `apiVersion: v1\nkind: Secret\ndata:\n  .dockerconfigjson: ${auth}\ntype: kubernetes.io/dockerconfigjson\n`,
      secret: auth,
      startLine: 4,
      endLine: 4,
      negatives: ['data:\n  .dockerconfigjson: {}\n'],
    });
  }
  add(
    single(
      'symfony-default-secret',
      'Symfony',
      'HIGH',
      'Symfony Default Secret',
      'APP_SECRET=',
      'ThisTokenIsNotSoSecretChangeIt',
      '',
      ['APP_SECRET=aThisTokenIsNotSoSecretChangeIt'],
    ),
  );
  add(
    single(
      'azure-storage-account-key',
      'Azure',
      'CRITICAL',
      'Azure Storage Account Key',
      'AccountKey=',
      `${fake(c.base64, 86)}==`,
      '',
      [`AccountKey=${fake(c.base64, 40)}`],
    ),
  );
  {
    const sig = `${fake(c.alnum, 40)}%3D`;
    add(
      single(
        'azure-sas-token',
        'Azure',
        'HIGH',
        'Azure Shared Access Signature Token',
        'SAS=sv=2023-11-03&sr=b&sp=r&sig=',
        sig,
        '',
        [`SAS=sv=2023&sr=b&sp=r&sig=${sig}`],
      ),
    );
  }
  add(
    single(
      'azure-devops-pat',
      'Azure',
      'HIGH',
      'Azure DevOps Personal Access Token',
      'AZURE_DEVOPS_PAT=',
      fake(c.base32, 52),
      '',
      [`AZURE_DEVOPS_PAT=${fake(c.base32, 51)}`, `SOME_TOKEN=${fake(c.base32, 52)}`],
    ),
  );
  add(
    single(
      'azure-entra-client-secret',
      'Azure',
      'CRITICAL',
      'Azure Entra ID Client Secret',
      'client_secret=',
      `${fake(c.alnum, 3)}8Q~${fake(c.entra, 33)}${fake(c.alnum, 1)}`,
      '',
      [`client_secret=${fake(c.alnum, 3)}8Q~${fake(c.alnum, 33)}`],
    ),
  );
  {
    const head = fake(c.alnum, 52);
    add(
      single(
        'azure-container-registry-credential',
        'Azure',
        'CRITICAL',
        'Azure Container Registry Credential',
        'ACR_TOKEN=',
        `${head}JQQJ99CEACYeBjFEqg7NAAACAZCR${fake(c.alnum, 4)}`,
        '',
        [`ACR_TOKEN=${head}JQQJ99CEACYeBjFEqg7NAAACAZXX${fake(c.alnum, 4)}`],
      ),
    );
  }
  add(
    single(
      'azure-container-registry-password',
      'Azure',
      'CRITICAL',
      'Azure Container Registry Password',
      'myregistry.azurecr.io password: ',
      fake(c.base64, 32),
      '',
      [`myregistry.azurecr.io password: ${fake(c.base64, 31)}`],
    ),
  );
  add(
    single(
      'azure-app-config-connection-string',
      'Azure',
      'CRITICAL',
      'Azure App Configuration Connection String',
      'Endpoint=https://store1.azconfig.io;Id=Ab12;Secret=',
      fake(c.base64, 44),
      '',
      [`Endpoint=https://store1.azure.com;Id=Ab12;Secret=${fake(c.base64, 44)}`],
    ),
  );
  {
    const head = fake(c.alnum, 52);
    add(
      single(
        'azure-ai-services-key',
        'Azure',
        'HIGH',
        'Azure AI Services Key',
        'AZURE_AI_KEY=',
        `${head}JQQJ99BFACYeBjFXJ3w3AAABACOG${fake(c.alnum, 4)}`,
        '',
        [`AZURE_AI_KEY=${head}JQQJ99BZACYeBjFXJ3w3AAABACOG${fake(c.alnum, 4)}`],
      ),
    );
  }
  {
    const xml = (inner: string): string =>
      `<settings>\n  <servers>\n    <server>\n      <id>internal</id>\n      ${inner}\n    </server>\n  </servers>\n</settings>\n`;
    const password = `${fake(c.alnum, 14)}!x`;
    add({
      id: 'maven-settings-password',
      category: 'Maven',
      severity: 'HIGH',
      title: 'Maven settings.xml password',
      content: xml(`<password>${password}</password>`),
      secret: password,
      startLine: 5,
      endLine: 5,
      negatives: [
        xml('<password>{COQLCE6DU6GtcS5P=}</password>'),
        xml('<password>${env.MAVEN_REPO_PASS}</password>'),
        xml('<password>  </password>'),
      ],
    });
    const passphrase = `${fake(c.alnum, 20)}`;
    add({
      id: 'maven-settings-passphrase',
      category: 'Maven',
      severity: 'HIGH',
      title: 'Maven settings.xml passphrase',
      content: xml(`<passphrase>${passphrase}</passphrase>`),
      secret: passphrase,
      startLine: 5,
      endLine: 5,
      negatives: [
        xml('<passphrase>${gpg.passphrase}</passphrase>'),
        xml('<passphrase>{jSMOWnoPFgsHVpMvz5VrIt5kRbzGpI8u=}</passphrase>'),
      ],
    });
  }
  {
    const master = `{${fake(c.base64, 43)}=}`;
    add({
      id: 'maven-settings-security-master',
      category: 'Maven',
      severity: 'HIGH',
      title: 'Maven settings-security.xml master password',
      content: `<settingsSecurity>\n  <master>${master}</master>\n</settingsSecurity>\n`,
      secret: master,
      startLine: 2,
      endLine: 2,
      negatives: ['<settingsSecurity>\n  <master>${env.MAVEN_MASTER}</master>\n</settingsSecurity>\n'],
    });
  }
  const openai = (): string => `${fake(c.urlSafe, 40)}T3BlbkFJ${fake(c.urlSafe, 40)}`;
  add(
    single(
      'openai-project-api-key',
      'OpenAI',
      'CRITICAL',
      'OpenAI Project API Key',
      'OPENAI_API_KEY=',
      `sk-proj-${openai()}`,
      '',
      [`OPENAI_API_KEY=sk-proj-${fake(c.urlSafe, 40)}NOWATERMARK${fake(c.urlSafe, 40)}`],
    ),
  );
  add(
    single(
      'openai-service-account-key',
      'OpenAI',
      'CRITICAL',
      'OpenAI Service Account Key',
      'OPENAI_API_KEY=',
      `sk-svcacct-${openai()}`,
      '',
      [`OPENAI_API_KEY=sk-svcacct-${fake(c.urlSafe, 10)}T3BlbkFJ${fake(c.urlSafe, 40)}`],
    ),
  );
  add(
    single(
      'openai-admin-api-key',
      'OpenAI',
      'CRITICAL',
      'OpenAI Admin API Key',
      'OPENAI_ADMIN_KEY=',
      `sk-admin-${openai()}`,
      '',
      [`OPENAI_ADMIN_KEY=sk-admin-${fake(c.urlSafe, 40)}T3BlbkFJ${fake(c.urlSafe, 10)}`],
    ),
  );
  add(
    single(
      'openai-legacy-api-key',
      'OpenAI',
      'HIGH',
      'OpenAI Legacy User API Key',
      'OPENAI_API_KEY=',
      `sk-${fake(c.alnum, 20)}T3BlbkFJ${fake(c.alnum, 20)}`,
      '',
      [
        `ANTHROPIC_API_KEY=sk-ant-${fake(c.alnum, 20)}T3BlbkFJ${fake(c.alnum, 20)}`,
        `KEY=sk-tooshortT3BlbkFJtooshort`,
      ],
    ),
  );
  add(
    single(
      'openai-service-api-key',
      'OpenAI',
      'HIGH',
      'OpenAI Service API Key',
      'OPENAI_API_KEY=',
      `sk-service-account1-${fake(c.alnum, 20)}T3BlbkFJ${fake(c.alnum, 20)}`,
      '',
      [`OPENROUTER_KEY=sk-or-v1-${fake(c.alnum, 20)}T3BlbkFJ${fake(c.alnum, 20)}`],
    ),
  );
  add(
    single(
      'openai-realtime-client-secret',
      'OpenAI',
      'MEDIUM',
      'OpenAI Realtime Client Secret',
      'OPENAI_EPHEMERAL=',
      `ek_${fake(c.alnum, 32)}`,
      '',
      [`value = check_${fake(c.alnum, 32)}`],
    ),
  );
  return cases;
}

export const ruleCases: readonly RuleCase[] = build();
