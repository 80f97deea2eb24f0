import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { quorumOf } from '../../shared/config/regions.js';

// `fromRegions` at load: only checks another region can run, each refusal naming the field and what to write.

const load = (check: Record<string, unknown>) => () => parseConfig({ checks: [{ id: 'shop', kind: 'http', target: 'https://shop.example.com/', ...check }] });

describe('a check from several regions, as a config writes it', () => {
  it('takes public endpoint checks, with a majority as the default quorum', () => {
    const [check] = load({ fromRegions: ['us-east-1', 'ap-southeast-1'] })().checks;
    expect(quorumOf(check!)).toBe(2);
    expect(quorumOf({ fromRegions: ['us-east-1'] })).toBe(2);
    expect(quorumOf({ fromRegions: ['us-east-1', 'us-west-2', 'ap-southeast-1'], quorum: 1 })).toBe(1);
  });

  it.each([
    [{ fromRegions: ['us-east-1'], network: 'vpc' }, 'checks[0].fromRegions: a check placed in the VPC reaches private addresses, which other regions cannot'],
    [{ fromRegions: ['us-east-1', 'us-east-1'] }, 'checks[0].fromRegions: us-east-1 is named twice'],
    [{ fromRegions: ['us-east-1'], quorum: 3 }, "checks[0].quorum: 3 is more than the 2 regions it runs from (these and Vigil's own)"],
    [{ quorum: 2 }, 'checks[0].quorum: a quorum counts regions: give fromRegions too, or leave quorum out'],
    [{ fromRegions: ['us-east'] }, 'checks[0].fromRegions[0]: expected an AWS region, e.g. "us-east-1"'],
    [
      { fromRegions: ['us-east-1'], headers: { authorization: { secret: 'shop-token' } } },
      'checks[0].fromRegions: a check that reads a secret runs only where Vigil is deployed; leave fromRegions out',
    ],
  ])('refuses %j', (check, message) => {
    expect(load(check)).toThrow(message);
  });

  it('refuses a kind that reaches into the account', () => {
    expect(() => parseConfig({ checks: [{ id: 'svc', kind: 'ecs-service', target: 'prod/orders-api', fromRegions: ['us-east-1'] }] })).toThrow(
      'checks[0].fromRegions: ecs-service checks run only where Vigil is deployed; fromRegions is for http, tls, dns and tcp checks',
    );
  });
});
