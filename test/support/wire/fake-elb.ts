import type { Service, WireResponse } from './faulty-handler.js';

const NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/orders-api/73e2d6bc24d8a067';

/**
 * Elastic Load Balancing v2 behind the awsQuery protocol, in process: one target group (`orders-api`)
 * with healthy targets, as DescribeTargetGroups and DescribeTargetHealth answer in XML.
 */
export function fakeElb(targets = 3): Service {
  return async (_request, body): Promise<WireResponse> => {
    const form = new URLSearchParams(body);
    switch (form.get('Action')) {
      case 'DescribeTargetGroups':
        return xml(
          'DescribeTargetGroups',
          `<TargetGroups><member><TargetGroupArn>${ARN}</TargetGroupArn><TargetGroupName>orders-api</TargetGroupName><Protocol>HTTP</Protocol><Port>8080</Port><TargetType>ip</TargetType></member></TargetGroups>`,
        );
      case 'DescribeTargetHealth':
        return xml(
          'DescribeTargetHealth',
          `<TargetHealthDescriptions>${Array.from({ length: targets }, (_, i) => `<member><Target><Id>10.0.1.${10 + i}</Id><Port>8080</Port><AvailabilityZone>eu-west-1a</AvailabilityZone></Target><HealthCheckPort>8080</HealthCheckPort><TargetHealth><State>healthy</State></TargetHealth></member>`).join('')}</TargetHealthDescriptions>`,
        );
      default:
        return {
          statusCode: 400,
          headers: { 'content-type': 'text/xml' },
          body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>fake ELB does not answer ${form.get('Action')}</Message></Error><RequestId>x</RequestId></ErrorResponse>`,
        };
    }
  };
}

function xml(action: string, result: string): WireResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`,
  };
}
