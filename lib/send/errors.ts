/**
 * The failure codes of the replay client and the settings ping.
 * @packageDocumentation
 */
import type { CommonErrorCode } from '../errors';

/**
 * Every code a send or ping function throws (a request the endpoint refuses is a
 * finding in the result, not a throw):
 * - `no-endpoint`: neither an endpoint nor a settings file with `Connection.EndpointUrl`;
 * - `settings-invalid`: the settings file has errors;
 * - `env-missing`: a `${env:…}` reference of the settings is not set;
 * - `grpc-missing`: `@grpc/grpc-js` cannot be loaded.
 */
export type SendErrorCode = CommonErrorCode | 'no-endpoint' | 'settings-invalid' | 'env-missing' | 'grpc-missing';
