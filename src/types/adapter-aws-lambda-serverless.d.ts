/**
 * The adapter's request handler itself. Its main entry re-exports probot through `require`,
 * which loads probot 14 (ESM) only where require(esm) works; this file requires nothing but
 * its own helpers. `createLambdaFunction(app, { probot })` is `probot.load(app)` and this
 * function bound to the Probot instance.
 */
declare module '@probot/adapter-aws-lambda-serverless/lambda-function.js' {
  import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
  import type { Probot } from 'probot';

  export default function lambdaFunction(
    probot: Probot,
    event: APIGatewayProxyEvent | LambdaFunctionURLEvent,
    context: Context,
  ): Promise<APIGatewayProxyResult | LambdaFunctionURLResult>;
}
