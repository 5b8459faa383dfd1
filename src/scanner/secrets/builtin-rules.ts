import { NativePattern } from './pattern.ts';
import type { SecretRule } from './types.ts';

/*
 * Trivy's built-in secret rules (IDs, categories, titles, severities, keywords and order as upstream), with the
 * Go RE2 patterns rewritten as JS regexes. Rewriting rules applied throughout:
 *  - Go's `\s` is ASCII-only and its `.` matches everything but `\n`: spelled out as WS and ANY.
 *  - Go's `(?i)` in the middle of a pattern becomes explicit both-case classes; a leading `(?i)` becomes flag `i`.
 *  - Go's "no word character before" prefix group becomes a lookbehind, which matches the same secret span.
 *  - Adjacent quantifiers over overlapping sets (e.g. `\s*(:|=)?\s*`, `\s*\|*\s*`) are rewritten so each input
 *    has one way to match: JS backtracks, and the ambiguous forms take quadratic time on long whitespace runs.
 *  - Token runs that a match may start inside (JWTs, OpenAI keys) are only entered at their first character,
 *    so a long run is walked once rather than once per start position.
 *  - Unbounded repeats that could rescan the rest of a chunk from every start (private-key header words, SAS
 *    query parameters) are bounded well above real-world sizes.
 * The newest rules (stateless `ghs_` tokens, Symfony, Azure, Maven, OpenAI) follow the token formats the
 * reference spec and the vendors document. Each pattern is exercised on adversarial 100 KB lines by the tests.
 */

const WS = '[\\t\\n\\f\\r ]';
const ANY = '[^\\n]';
const QUOTE = `["']?`;
/** Go: `\s*(:|=>|=)?\s*`, made unambiguous. */
const CONNECT = `${WS}*(?:(?::|=>|=)${WS}*)?`;
const END_SECRET = `[.,]?(?:${WS}+|$)`;
const NOT_AFTER_WORD = '(?<![0-9a-zA-Z])';
/** The assignment operators of the generic "<vendor>... = '<token>'" rules. */
const ASSIGN = '(?:=|>|:=|\\|\\|:|<=|=>|:)';

interface RuleSpec {
  id: string;
  category: string;
  title: string;
  severity: string;
  keywords: string[];
  regex: string;
  flags?: 'i';
  secretGroup?: boolean;
  prefilter?: string[];
  allowRules?: { id: string; description: string; regex: string }[];
}

/** `<vendor>[suffix] = ... "<secret>"`: the shape of most vendor rules (case-insensitive, secret in quotes). */
function vendorAssignment(vendor: string, secret: string, quoted = true): string {
  const quote = quoted ? `['"]` : '';
  return `(?<key>${vendor}[a-z0-9_ .\\-,]{0,25})${ASSIGN}${ANY}{0,5}${quote}(?<secret>${secret})${quote}`;
}

function vendorRule(
  id: string,
  category: string,
  title: string,
  severity: string,
  vendor: string,
  secret: string,
): RuleSpec {
  return {
    id,
    category,
    title,
    severity,
    keywords: [vendor],
    regex: vendorAssignment(vendor, secret),
    flags: 'i',
    secretGroup: true,
  };
}

const UUID_HEX_AH = '[a-h0-9]{8}-[a-h0-9]{4}-[a-h0-9]{4}-[a-h0-9]{4}-[a-h0-9]{12}';
/**
 * `<20+>T3BlbkFJ<20+>` up to the end of the token run. The marker is checked by a lookahead and the run is
 * then taken atomically: as a plain `{20,}…{20,}` a run holding the marker many times backtracks quadratically.
 */
const openaiBody = (chars: string): string =>
  `(?=${chars}{20,}T3BlbkFJ${chars}{20})(?=(?<run>${chars}+))\\k<run>`;
const NOT_IN_TOKEN = '(?<![A-Za-z0-9_-])';
const TOKEN_END = '(?![A-Za-z0-9_-])';
/** Microsoft's "common annotated security key" layout shared by ACR and Azure AI keys (84 chars). */
const azureAnnotatedKey = (signature: string, tail: string): string =>
  `(?<![A-Za-z0-9])(?<secret>[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L]${signature}[A-Za-z0-9]${tail}[A-Za-z0-9]{4})(?![A-Za-z0-9])`;

const specs: RuleSpec[] = [
  {
    id: 'aws-access-key-id',
    category: 'AWS',
    title: 'AWS Access Key ID',
    severity: 'CRITICAL',
    keywords: ['AKIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ASIA'],
    regex: `${NOT_AFTER_WORD}(?<secret>(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16})${QUOTE}${END_SECRET}`,
    secretGroup: true,
  },
  {
    id: 'aws-secret-access-key',
    category: 'AWS',
    title: 'AWS Secret Access Key',
    severity: 'CRITICAL',
    keywords: ['key'],
    regex: `${QUOTE}aws_?(?:sec(?:ret)?)?_?(?:access)?_?key${QUOTE}${CONNECT}${QUOTE}${QUOTE}(?<secret>[A-Za-z0-9/+=]{40})${QUOTE}${END_SECRET}`,
    flags: 'i',
    secretGroup: true,
  },
  {
    id: 'github-pat',
    category: 'GitHub',
    title: 'GitHub Personal Access Token',
    severity: 'CRITICAL',
    keywords: ['ghp_'],
    regex: `${NOT_AFTER_WORD}(?<secret>ghp_[0-9a-zA-Z]{36})`,
    secretGroup: true,
  },
  {
    id: 'github-oauth',
    category: 'GitHub',
    title: 'GitHub OAuth Access Token',
    severity: 'CRITICAL',
    keywords: ['gho_'],
    regex: `${NOT_AFTER_WORD}(?<secret>gho_[0-9a-zA-Z]{36})`,
    secretGroup: true,
  },
  {
    // Installation tokens are either the classic 36 characters or the stateless `ghs_<app id>_<JWT>` form.
    id: 'github-app-token',
    category: 'GitHub',
    title: 'GitHub App Token',
    severity: 'CRITICAL',
    keywords: ['ghu_', 'ghs_'],
    regex: `${NOT_AFTER_WORD}(?<secret>ghu_[0-9a-zA-Z]{36}|ghs_(?:[0-9]+_[0-9a-zA-Z_-]+(?:\\.[0-9a-zA-Z_-]+)+|[0-9a-zA-Z_-]{36,}(?:\\.[0-9a-zA-Z_-]+)*))`,
    secretGroup: true,
  },
  {
    id: 'github-refresh-token',
    category: 'GitHub',
    title: 'GitHub Refresh Token',
    severity: 'CRITICAL',
    keywords: ['ghr_'],
    regex: `${NOT_AFTER_WORD}(?<secret>ghr_[0-9a-zA-Z]{76})`,
    secretGroup: true,
  },
  {
    id: 'github-fine-grained-pat',
    category: 'GitHub',
    title: 'GitHub Fine-grained personal access tokens',
    severity: 'CRITICAL',
    keywords: ['github_pat_'],
    regex: 'github_pat_[a-zA-Z0-9]{22}_[a-zA-Z0-9]{59}',
  },
  {
    id: 'gitlab-pat',
    category: 'GitLab',
    title: 'GitLab Personal Access Token',
    severity: 'CRITICAL',
    keywords: ['glpat-'],
    regex: `${NOT_AFTER_WORD}(?<secret>glpat-[0-9a-zA-Z_-]{20})`,
    secretGroup: true,
  },
  {
    id: 'hugging-face-access-token',
    category: 'HuggingFace',
    title: 'Hugging Face Access Token',
    severity: 'CRITICAL',
    keywords: ['hf_'],
    regex: `${NOT_AFTER_WORD}(?<secret>hf_[A-Za-z0-9]{34,40})`,
    secretGroup: true,
  },
  {
    // The body is taken atomically (lookahead + backreference), and so are the blanks before it: its class
    // holds whitespace too, and letting the parts trade characters makes a header followed by a long blank run
    // quadratic. Neither changes the match: no shorter body can be followed by `-----`. Header words are bounded
    // so that a run of headers is not rescanned from each one.
    id: 'private-key',
    category: 'AsymmetricPrivateKey',
    title: 'Asymmetric Private Key',
    severity: 'HIGH',
    keywords: ['-----'],
    regex:
      `-----${WS}*?BEGIN[ A-Z0-9_-]{0,40}?PRIVATE KEY(?: BLOCK)?${WS}*?-----(?=([\\t\\f ]*))\\1` +
      `(?<secret>(?=(?<body>[A-Za-z0-9=+/\\\\\\r\\n][A-Za-z0-9=+/\\\\\\t\\n\\f\\r ]{31,}))\\k<body>)` +
      `${WS}*?-----${WS}*?END[ A-Z0-9_-]{0,40}? PRIVATE KEY(?: BLOCK)?${WS}*?-----`,
    flags: 'i',
    secretGroup: true,
  },
  {
    id: 'shopify-token',
    category: 'Shopify',
    title: 'Shopify token',
    severity: 'HIGH',
    keywords: ['shpss_', 'shpat_', 'shpca_', 'shppa_'],
    regex: 'shp(?:ss|at|ca|pa)_[a-fA-F0-9]{32}',
  },
  {
    id: 'slack-access-token',
    category: 'Slack',
    title: 'Slack token',
    severity: 'HIGH',
    keywords: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-'],
    regex: `${NOT_AFTER_WORD}(?<secret>xox[baprs]-[0-9a-zA-Z]{10,48})`,
    secretGroup: true,
  },
  {
    id: 'stripe-publishable-token',
    category: 'Stripe',
    title: 'Stripe Publishable Key',
    severity: 'LOW',
    keywords: ['pk_test_', 'pk_live_'],
    regex: `${NOT_AFTER_WORD}(?<secret>pk_(?:test|live)_[0-9a-z]{10,32})`,
    flags: 'i',
    secretGroup: true,
  },
  {
    id: 'stripe-secret-token',
    category: 'Stripe',
    title: 'Stripe Secret Key',
    severity: 'CRITICAL',
    keywords: ['sk_test_', 'sk_live_'],
    regex: `${NOT_AFTER_WORD}(?<secret>sk_(?:test|live)_[0-9a-z]{10,32})`,
    flags: 'i',
    secretGroup: true,
  },
  {
    id: 'pypi-upload-token',
    category: 'PyPI',
    title: 'PyPI upload token',
    severity: 'HIGH',
    keywords: ['pypi-AgEIcHlwaS5vcmc'],
    regex: 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}',
  },
  {
    id: 'gcp-service-account',
    category: 'Google',
    title: 'Google (GCP) Service-account',
    severity: 'CRITICAL',
    keywords: ['"type": "service_account"'],
    regex: '"type": "service_account"',
  },
  {
    // Upstream requires a blank before the key name; kept.
    id: 'heroku-api-key',
    category: 'Heroku',
    title: 'Heroku API Key',
    severity: 'HIGH',
    keywords: ['heroku'],
    regex: ` ${vendorAssignment('heroku', '[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}')}`,
    flags: 'i',
    secretGroup: true,
  },
  {
    id: 'slack-web-hook',
    category: 'Slack',
    title: 'Slack Webhook',
    severity: 'MEDIUM',
    keywords: ['hooks.slack.com'],
    regex: `https://hooks${ANY}slack${ANY}com/services/[A-Za-z0-9+/]{44,48}`,
  },
  {
    id: 'twilio-api-key',
    category: 'Twilio',
    title: 'Twilio API Key',
    severity: 'MEDIUM',
    keywords: ['SK'],
    regex: 'SK[0-9a-fA-F]{32}',
  },
  {
    id: 'age-secret-key',
    category: 'Age',
    title: 'Age secret key',
    severity: 'MEDIUM',
    keywords: ['AGE-SECRET-KEY-1'],
    regex: 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}',
  },
  vendorRule('facebook-token', 'Facebook', 'Facebook token', 'LOW', 'facebook', '[a-f0-9]{32}'),
  vendorRule('twitter-token', 'Twitter', 'Twitter token', 'LOW', 'twitter', '[a-f0-9]{35,44}'),
  vendorRule('adobe-client-id', 'Adobe', 'Adobe Client ID (Oauth Web)', 'LOW', 'adobe', '[a-f0-9]{32}'),
  {
    id: 'adobe-client-secret',
    category: 'Adobe',
    title: 'Adobe Client Secret',
    severity: 'LOW',
    keywords: ['p8e-'],
    regex: 'p8e-[a-zA-Z0-9]{32}',
  },
  {
    id: 'alibaba-access-key-id',
    category: 'Alibaba',
    title: 'Alibaba AccessKey ID',
    severity: 'HIGH',
    keywords: ['LTAI'],
    regex: '(?<![0-9A-Za-z])(?<secret>LTAI[a-zA-Z0-9]{20})(?![0-9A-Za-z])',
    secretGroup: true,
  },
  vendorRule('alibaba-secret-key', 'Alibaba', 'Alibaba Secret Key', 'HIGH', 'alibaba', '[a-z0-9]{30}'),
  vendorRule('asana-client-id', 'Asana', 'Asana Client ID', 'MEDIUM', 'asana', '[0-9]{16}'),
  vendorRule('asana-client-secret', 'Asana', 'Asana Client Secret', 'MEDIUM', 'asana', '[a-z0-9]{32}'),
  vendorRule('atlassian-api-token', 'Atlassian', 'Atlassian API token', 'HIGH', 'atlassian', '[a-z0-9]{24}'),
  vendorRule('bitbucket-client-id', 'Bitbucket', 'Bitbucket client ID', 'HIGH', 'bitbucket', '[a-z0-9]{32}'),
  vendorRule(
    'bitbucket-client-secret',
    'Bitbucket',
    'Bitbucket client secret',
    'HIGH',
    'bitbucket',
    '[a-z0-9_\\-]{64}',
  ),
  vendorRule('beamer-api-token', 'Beamer', 'Beamer API token', 'LOW', 'beamer', 'b_[a-z0-9=_\\-]{44}'),
  {
    id: 'clojars-api-token',
    category: 'Clojars',
    title: 'Clojars API token',
    severity: 'MEDIUM',
    keywords: ['CLOJARS_'],
    regex: 'CLOJARS_[a-zA-Z0-9]{60}',
  },
  vendorRule(
    'contentful-delivery-api-token',
    'ContentfulDelivery',
    'Contentful delivery API token',
    'LOW',
    'contentful',
    '[a-z0-9\\-=_]{43}',
  ),
  {
    id: 'databricks-api-token',
    category: 'Databricks',
    title: 'Databricks API token',
    severity: 'MEDIUM',
    keywords: ['dapi'],
    regex: 'dapi[a-h0-9]{32}',
  },
  vendorRule('discord-api-token', 'Discord', 'Discord API key', 'MEDIUM', 'discord', '[a-h0-9]{64}'),
  vendorRule('discord-client-id', 'Discord', 'Discord client ID', 'MEDIUM', 'discord', '[0-9]{18}'),
  vendorRule(
    'discord-client-secret',
    'Discord',
    'Discord client secret',
    'MEDIUM',
    'discord',
    '[a-z0-9=_\\-]{32}',
  ),
  {
    id: 'doppler-api-token',
    category: 'Doppler',
    title: 'Doppler API token',
    severity: 'MEDIUM',
    keywords: ['dp.pt.'],
    regex: `['"]dp\\.pt\\.[a-zA-Z0-9]{43}['"]`,
  },
  {
    id: 'dropbox-api-secret',
    category: 'Dropbox',
    title: 'Dropbox API secret/key',
    severity: 'HIGH',
    keywords: ['dropbox'],
    regex: `dropbox[a-z0-9_ .\\-,]{0,25}${ASSIGN}${ANY}{0,5}['"][a-z0-9]{15}['"]`,
    flags: 'i',
  },
  {
    id: 'dropbox-short-lived-api-token',
    category: 'Dropbox',
    title: 'Dropbox short lived API token',
    severity: 'HIGH',
    keywords: ['dropbox'],
    regex: `dropbox[a-z0-9_ .\\-,]{0,25}${ASSIGN}${ANY}{0,5}['"]sl\\.[a-z0-9\\-=_]{135}['"]`,
    flags: 'i',
  },
  {
    id: 'dropbox-long-lived-api-token',
    category: 'Dropbox',
    title: 'Dropbox long lived API token',
    severity: 'HIGH',
    keywords: ['dropbox'],
    regex: `dropbox[a-z0-9_ .\\-,]{0,25}${ASSIGN}${ANY}{0,5}['"][a-z0-9]{11}AAAAAAAAAA[a-z0-9\\-_=]{43}['"]`,
    flags: 'i',
  },
  {
    id: 'duffel-api-token',
    category: 'Duffel',
    title: 'Duffel API token',
    severity: 'LOW',
    keywords: ['duffel_test_', 'duffel_live_'],
    regex: `['"]duffel_(?:test|live)_[a-zA-Z0-9_-]{43}['"]`,
  },
  {
    id: 'dynatrace-api-token',
    category: 'Dynatrace',
    title: 'Dynatrace API token',
    severity: 'MEDIUM',
    keywords: ['dt0c01.'],
    regex: `['"]dt0c01\\.[a-zA-Z0-9]{24}\\.[a-zA-Z0-9]{64}['"]`,
  },
  {
    id: 'easypost-api-token',
    category: 'Easypost',
    title: 'EasyPost API token',
    severity: 'LOW',
    keywords: ['EZAK', 'EZAT'],
    regex: `['"]EZ[AT]K[a-zA-Z0-9]{54}['"]`,
  },
  vendorRule('fastly-api-token', 'Fastly', 'Fastly API token', 'MEDIUM', 'fastly', '[a-z0-9\\-=_]{32}'),
  vendorRule(
    'finicity-client-secret',
    'Finicity',
    'Finicity client secret',
    'MEDIUM',
    'finicity',
    '[a-z0-9]{20}',
  ),
  vendorRule('finicity-api-token', 'Finicity', 'Finicity API token', 'MEDIUM', 'finicity', '[a-f0-9]{32}'),
  {
    id: 'flutterwave-public-key',
    category: 'Flutterwave',
    title: 'Flutterwave public/secret key',
    severity: 'MEDIUM',
    keywords: ['FLWSECK_TEST-', 'FLWPUBK_TEST-'],
    regex: `${NOT_AFTER_WORD}(?<secret>FLW(?:PUB|SEC)K_TEST-[a-hA-H0-9]{32}-[xX])`,
    secretGroup: true,
  },
  {
    id: 'flutterwave-enc-key',
    category: 'Flutterwave',
    title: 'Flutterwave encrypted key',
    severity: 'MEDIUM',
    keywords: ['FLWSECK_TEST'],
    regex: `${NOT_AFTER_WORD}(?<secret>FLWSECK_TEST[a-h0-9]{12})`,
    secretGroup: true,
  },
  {
    id: 'frameio-api-token',
    category: 'Frameio',
    title: 'Frame.io API token',
    severity: 'LOW',
    keywords: ['fio-u-'],
    regex: 'fio-u-[a-zA-Z0-9\\-_=]{64}',
  },
  {
    id: 'gocardless-api-token',
    category: 'GoCardless',
    title: 'GoCardless API token',
    severity: 'MEDIUM',
    keywords: ['live_'],
    regex: `['"]live_[a-zA-Z0-9\\-_=]{40}['"]`,
  },
  {
    id: 'grafana-api-token',
    category: 'Grafana',
    title: 'Grafana API token',
    severity: 'MEDIUM',
    keywords: ['eyJrIjoi'],
    regex: `['"]?eyJrIjoi[a-zA-Z0-9\\-_=]{72,92}['"]?`,
  },
  {
    id: 'hashicorp-tf-api-token',
    category: 'HashiCorp',
    title: 'HashiCorp Terraform user/org API token',
    severity: 'MEDIUM',
    keywords: ['atlasv1.'],
    regex: `['"][a-z0-9]{14}\\.atlasv1\\.[a-z0-9\\-_=]{60,70}['"]`,
    flags: 'i',
  },
  vendorRule('hubspot-api-token', 'HubSpot', 'HubSpot API token', 'LOW', 'hubspot', UUID_HEX_AH),
  vendorRule('intercom-api-token', 'Intercom', 'Intercom API token', 'LOW', 'intercom', '[a-z0-9=_]{60}'),
  vendorRule(
    'intercom-client-secret',
    'Intercom',
    'Intercom client secret/ID',
    'LOW',
    'intercom',
    UUID_HEX_AH,
  ),
  {
    id: 'ionic-api-token',
    category: 'Ionic',
    title: 'Ionic API token',
    severity: '',
    keywords: ['ionic'],
    regex: `ionic[a-z0-9_ .\\-,]{0,25}${ASSIGN}${ANY}{0,5}['"]ion_[a-z0-9]{42}['"]`,
    flags: 'i',
  },
  {
    // A match is only started at the beginning of a token run (and may carry the `ghs_<id>_` prefix of a
    // stateless GitHub App token, which the allow rule then drops: github-app-token reports it).
    id: 'jwt-token',
    category: 'JWT',
    title: 'JWT token',
    severity: 'MEDIUM',
    keywords: [],
    prefilter: ['.ey'],
    regex:
      '(?<![a-zA-Z0-9])(?:ghs_[0-9]+_)?ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9/\\\\_-]{17,}\\.(?:[a-zA-Z0-9/\\\\_-]{10,}={0,2})?',
    allowRules: [
      {
        id: 'stateless-ghs-jwt',
        description: 'JWT embedded in a stateless GitHub App token, reported by github-app-token',
        regex: '^ghs_',
      },
    ],
  },
  {
    id: 'linear-api-token',
    category: 'Linear',
    title: 'Linear API token',
    severity: 'MEDIUM',
    keywords: ['lin_api_'],
    regex: 'lin_api_[a-zA-Z0-9]{40}',
  },
  vendorRule('linear-client-secret', 'Linear', 'Linear client secret/ID', 'MEDIUM', 'linear', '[a-f0-9]{32}'),
  vendorRule('lob-api-key', 'Lob', 'Lob API Key', 'LOW', 'lob', '(?:live|test)_[a-f0-9]{35}'),
  vendorRule(
    'lob-pub-api-key',
    'Lob',
    'Lob Publishable API Key',
    'LOW',
    'lob',
    '(?:test|live)_pub_[a-f0-9]{31}',
  ),
  vendorRule(
    'mailchimp-api-key',
    'Mailchimp',
    'Mailchimp API key',
    'MEDIUM',
    'mailchimp',
    '[a-f0-9]{32}-us20',
  ),
  vendorRule(
    'mailgun-token',
    'Mailgun',
    'Mailgun private API token',
    'MEDIUM',
    'mailgun',
    '(?:pub)?key-[a-f0-9]{32}',
  ),
  vendorRule(
    'mailgun-signing-key',
    'Mailgun',
    'Mailgun webhook signing key',
    'MEDIUM',
    'mailgun',
    '[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}',
  ),
  {
    id: 'mapbox-api-token',
    category: 'Mapbox',
    title: 'Mapbox API token',
    severity: 'MEDIUM',
    keywords: ['pk.'],
    regex: 'pk\\.[a-z0-9]{60}\\.[a-z0-9]{22}',
    flags: 'i',
  },
  vendorRule(
    'messagebird-api-token',
    'MessageBird',
    'MessageBird API token',
    'MEDIUM',
    'messagebird',
    '[a-z0-9]{25}',
  ),
  vendorRule(
    'messagebird-client-id',
    'MessageBird',
    'MessageBird API client ID',
    'MEDIUM',
    'messagebird',
    UUID_HEX_AH,
  ),
  {
    id: 'new-relic-user-api-key',
    category: 'NewRelic',
    title: 'New Relic user API Key',
    severity: 'MEDIUM',
    keywords: ['NRAK-'],
    regex: `['"]NRAK-[A-Z0-9]{27}['"]`,
  },
  vendorRule(
    'new-relic-user-api-id',
    'NewRelic',
    'New Relic user API ID',
    'MEDIUM',
    'newrelic',
    '[A-Z0-9]{64}',
  ),
  {
    id: 'new-relic-browser-api-token',
    category: 'NewRelic',
    title: 'New Relic ingest browser API token',
    severity: 'MEDIUM',
    keywords: ['NRJS-'],
    regex: `['"]NRJS-[a-f0-9]{19}['"]`,
  },
  {
    id: 'npm-access-token',
    category: 'Npm',
    title: 'npm access token',
    severity: 'CRITICAL',
    keywords: ['npm_'],
    regex: `['"]npm_[a-zA-Z0-9]{36}['"]`,
  },
  {
    id: 'planetscale-password',
    category: 'Planetscale',
    title: 'PlanetScale password',
    severity: 'MEDIUM',
    keywords: ['pscale_pw_'],
    regex: 'pscale_pw_[a-zA-Z0-9\\-_.]{43}',
  },
  {
    id: 'planetscale-api-token',
    category: 'Planetscale',
    title: 'PlanetScale API token',
    severity: 'MEDIUM',
    keywords: ['pscale_tkn_'],
    regex: 'pscale_tkn_[a-zA-Z0-9\\-_.]{43}',
  },
  {
    id: 'private-packagist-token',
    category: 'Private Packagist',
    title: 'Private Packagist token',
    severity: 'HIGH',
    keywords: ['packagist_uut_', 'packagist_ort_', 'packagist_out_'],
    regex: 'packagist_[ou][ru]t_[a-fA-F0-9]{68}',
  },
  {
    id: 'postman-api-token',
    category: 'Postman',
    title: 'Postman API token',
    severity: 'MEDIUM',
    keywords: ['PMAK-'],
    regex: 'PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}',
  },
  {
    id: 'pulumi-api-token',
    category: 'Pulumi',
    title: 'Pulumi API token',
    severity: 'HIGH',
    keywords: ['pul-'],
    regex: 'pul-[a-f0-9]{40}',
  },
  {
    id: 'rubygems-api-token',
    category: 'RubyGems',
    title: 'Rubygem API token',
    severity: 'MEDIUM',
    keywords: ['rubygems_'],
    regex: 'rubygems_[a-f0-9]{48}',
  },
  {
    id: 'sendgrid-api-token',
    category: 'SendGrid',
    title: 'SendGrid API token',
    severity: 'MEDIUM',
    keywords: ['SG.'],
    regex: 'SG\\.[a-zA-Z0-9_\\-.]{66}',
  },
  {
    id: 'sendinblue-api-token',
    category: 'Sendinblue',
    title: 'Sendinblue API token',
    severity: 'LOW',
    keywords: ['xkeysib-'],
    regex: 'xkeysib-[a-f0-9]{64}-[a-zA-Z0-9]{16}',
  },
  {
    id: 'shippo-api-token',
    category: 'Shippo',
    title: 'Shippo API token',
    severity: 'LOW',
    keywords: ['shippo_live_', 'shippo_test_'],
    regex: 'shippo_(?:live|test)_[a-f0-9]{40}',
  },
  vendorRule('linkedin-client-secret', 'LinkedIn', 'LinkedIn Client secret', 'LOW', 'linkedin', '[a-z]{16}'),
  vendorRule('linkedin-client-id', 'LinkedIn', 'LinkedIn Client ID', 'LOW', 'linkedin', '[a-z0-9]{14}'),
  vendorRule('twitch-api-token', 'Twitch', 'Twitch API token', 'LOW', 'twitch', '[a-z0-9]{30}'),
  {
    id: 'typeform-api-token',
    category: 'Typeform',
    title: 'Typeform API token',
    severity: 'LOW',
    keywords: ['typeform'],
    regex: vendorAssignment('typeform', 'tfp_[a-z0-9\\-_.=]{59}', false),
    flags: 'i',
    secretGroup: true,
  },
  {
    // Go: `:\s*\|*\s*(ey|ew)+[...]+`; the blank/pipe run is made unambiguous and `(ey|ew)+` folded into the run,
    // which matches the same span.
    id: 'dockerconfig-secret',
    category: 'Docker',
    title: 'Dockerconfig secret exposed',
    severity: 'HIGH',
    keywords: ['dockerc'],
    regex: `\\.(?:dockerconfigjson|dockercfg):${WS}*(?:\\|+${WS}*)?(?<secret>e[yw][A-Za-z0-9/+=]+)`,
    flags: 'i',
    secretGroup: true,
  },
  {
    // Symfony's documented placeholder APP_SECRET, left in place in production images.
    id: 'symfony-default-secret',
    category: 'Symfony',
    title: 'Symfony Default Secret',
    severity: 'HIGH',
    keywords: ['TokenIsNotSoSecret'],
    regex: `${NOT_AFTER_WORD}(?<secret>ThisTokenIsNotSoSecretChangeIt)`,
    secretGroup: true,
  },
  {
    id: 'azure-storage-account-key',
    category: 'Azure',
    title: 'Azure Storage Account Key',
    severity: 'CRITICAL',
    keywords: ['AccountKey'],
    regex: `AccountKey${WS}*=${WS}*(?<secret>[A-Za-z0-9+/]{86}==)`,
    flags: 'i',
    secretGroup: true,
  },
  {
    // A SAS query string: service version date first, signature last (parameters bounded: see private-key).
    id: 'azure-sas-token',
    category: 'Azure',
    title: 'Azure Shared Access Signature Token',
    severity: 'HIGH',
    keywords: ['sig=', 'sv='],
    regex: `(?<![A-Za-z0-9])sv=[0-9]{4}-[0-9]{2}-[0-9]{2}(?:&[A-Za-z0-9_]+=[^&\\s"'<>]{0,256}){0,20}?&sig=(?<secret>[A-Za-z0-9%+/=]{20,})`,
    secretGroup: true,
  },
  {
    // Classic PATs are 52 base32 characters; current ones are 84 characters carrying the `AZDO` signature.
    id: 'azure-devops-pat',
    category: 'Azure',
    title: 'Azure DevOps Personal Access Token',
    severity: 'HIGH',
    keywords: ['azure_devops', 'azuredevops', 'azure-devops', 'ado_pat', 'ado_token', 'ado-pat', 'ado-token'],
    regex:
      `(?<key>(?:azure[_-]?devops|ado[_-](?:pat|token))[a-z0-9_.\\-]{0,25})${QUOTE}${WS}*(?::=|=>|=|:)${WS}*${QUOTE}` +
      '(?<secret>[a-z2-7]{52}|[a-z0-9]{76}AZDO[a-z0-9]{4})(?![a-z0-9])',
    flags: 'i',
    secretGroup: true,
  },
  {
    // Entra ID (Azure AD) application secrets: 40 characters with the `8Q~` marker at positions 4-6.
    id: 'azure-entra-client-secret',
    category: 'Azure',
    title: 'Azure Entra ID Client Secret',
    severity: 'CRITICAL',
    keywords: ['8Q~'],
    regex: '(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.-]{3}8Q~[A-Za-z0-9_~.-]{34})(?![A-Za-z0-9_~.-])',
    secretGroup: true,
  },
  {
    id: 'azure-container-registry-credential',
    category: 'Azure',
    title: 'Azure Container Registry Credential',
    severity: 'CRITICAL',
    keywords: ['ACYeBjFEqg7NAAA'],
    regex: azureAnnotatedKey('ACYeBjFEqg7NAAA', 'AZCR'),
    secretGroup: true,
  },
  {
    // A password written near an ACR login server name (docker login lines, CI variables, compose files).
    id: 'azure-container-registry-password',
    category: 'Azure',
    title: 'Azure Container Registry Password',
    severity: 'CRITICAL',
    keywords: ['azurecr.io'],
    regex:
      `azurecr\\.io${ANY}{0,80}?(?:password|passwd|pwd)${QUOTE}${WS}*(?::=|=>|=|:)${WS}*${QUOTE}` +
      '(?<secret>[A-Za-z0-9+/=]{32,52})(?![A-Za-z0-9+/=])',
    flags: 'i',
    secretGroup: true,
  },
  {
    id: 'azure-app-config-connection-string',
    category: 'Azure',
    title: 'Azure App Configuration Connection String',
    severity: 'CRITICAL',
    keywords: ['azconfig.io'],
    regex: 'Endpoint=https://[a-z0-9-]+\\.azconfig\\.io/?;Id=[^;\\s]+;Secret=(?<secret>[A-Za-z0-9+/=]{32,})',
    flags: 'i',
    secretGroup: true,
  },
  {
    id: 'azure-ai-services-key',
    category: 'Azure',
    title: 'Azure AI Services Key',
    severity: 'HIGH',
    keywords: ['XJ3w3'],
    regex: azureAnnotatedKey('ACYeBjFXJ3w3AAA', 'ACOG'),
    secretGroup: true,
  },
  {
    // Plain values only: `{...}` is Maven's encrypted form, `${...}` a property reference.
    id: 'maven-settings-password',
    category: 'Maven',
    title: 'Maven settings.xml password',
    severity: 'HIGH',
    keywords: ['password'],
    regex: `<password>${WS}*(?<secret>[^\\s<{$](?:[^<\\n]{0,254}[^\\s<])?)${WS}*</password>`,
    secretGroup: true,
  },
  {
    id: 'maven-settings-passphrase',
    category: 'Maven',
    title: 'Maven settings.xml passphrase',
    severity: 'HIGH',
    keywords: ['passphrase'],
    regex: `<passphrase>${WS}*(?<secret>[^\\s<{$](?:[^<\\n]{0,254}[^\\s<])?)${WS}*</passphrase>`,
    secretGroup: true,
  },
  {
    // The master password is stored "encrypted" with a fixed, public key, so `{...}` counts here too.
    id: 'maven-settings-security-master',
    category: 'Maven',
    title: 'Maven settings-security.xml master password',
    severity: 'HIGH',
    keywords: ['master'],
    regex: `<master>${WS}*(?<secret>[^\\s<$](?:[^<\\n]{0,254}[^\\s<])?)${WS}*</master>`,
    secretGroup: true,
  },
  {
    id: 'openai-project-api-key',
    category: 'OpenAI',
    title: 'OpenAI Project API Key',
    severity: 'CRITICAL',
    keywords: ['T3BlbkFJ'],
    regex: `${NOT_IN_TOKEN}(?<secret>sk-proj-${openaiBody('[A-Za-z0-9_-]')})`,
    secretGroup: true,
  },
  {
    id: 'openai-service-account-key',
    category: 'OpenAI',
    title: 'OpenAI Service Account Key',
    severity: 'CRITICAL',
    keywords: ['T3BlbkFJ'],
    regex: `${NOT_IN_TOKEN}(?<secret>sk-svcacct-${openaiBody('[A-Za-z0-9_-]')})`,
    secretGroup: true,
  },
  {
    id: 'openai-admin-api-key',
    category: 'OpenAI',
    title: 'OpenAI Admin API Key',
    severity: 'CRITICAL',
    keywords: ['T3BlbkFJ'],
    regex: `${NOT_IN_TOKEN}(?<secret>sk-admin-${openaiBody('[A-Za-z0-9_-]')})`,
    secretGroup: true,
  },
  {
    // Legacy user keys: `sk-` + 20 + marker + 20, no dashes (which keeps other vendors' `sk-ant-`… out).
    id: 'openai-legacy-api-key',
    category: 'OpenAI',
    title: 'OpenAI Legacy User API Key',
    severity: 'HIGH',
    keywords: ['T3BlbkFJ'],
    regex: `${NOT_IN_TOKEN}(?<secret>sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})${TOKEN_END}`,
    secretGroup: true,
  },
  {
    // `sk-<service name>-<body>`; names of the other OpenAI key kinds and of other vendors are excluded.
    id: 'openai-service-api-key',
    category: 'OpenAI',
    title: 'OpenAI Service API Key',
    severity: 'HIGH',
    keywords: ['T3BlbkFJ'],
    regex:
      `${NOT_IN_TOKEN}(?<secret>sk-(?!(?:proj|svcacct|admin|ant|or)-)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*-` +
      `${openaiBody('[A-Za-z0-9]')})${TOKEN_END}`,
    secretGroup: true,
  },
  {
    id: 'openai-realtime-client-secret',
    category: 'OpenAI',
    title: 'OpenAI Realtime Client Secret',
    severity: 'MEDIUM',
    keywords: ['ek_'],
    regex: `${NOT_IN_TOKEN}(?<secret>ek_[A-Za-z0-9]{32})${TOKEN_END}`,
    secretGroup: true,
  },
];

function compile(spec: RuleSpec): SecretRule {
  const rule: SecretRule = {
    id: spec.id,
    category: spec.category,
    title: spec.title,
    severity: spec.severity,
    regex: new NativePattern(spec.regex, spec.flags ?? ''),
    keywords: spec.keywords,
    allowRules: (spec.allowRules ?? []).map((a) => ({
      id: a.id,
      description: a.description,
      regex: new NativePattern(a.regex),
    })),
  };
  if (spec.secretGroup === true) rule.secretGroupName = 'secret';
  if (spec.prefilter !== undefined) rule.prefilter = spec.prefilter;
  return rule;
}

/** All built-in rules, compiled once, in upstream order. */
export const builtinRules: readonly SecretRule[] = Object.freeze(specs.map(compile));
