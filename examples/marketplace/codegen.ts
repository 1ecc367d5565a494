// graphql-codegen for herald's schema. herald's custom scalars travel as
// JSON strings: typed here, they are `string`, not `unknown`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  // herald's schema files; a running gateway works too:
  // schema: 'http://127.0.0.1:8080/graphql'.
  schema: '../../graph/schema/*.graphqls',
  documents: ['src/**/*.ts', '!src/generated.ts'],
  generates: {
    [process.env.CODEGEN_OUT ?? 'src/generated.ts']: {
      plugins: ['typescript-operations'],
      config: {
        scalars: {
          InscriptionID: 'string', // <64 hex>i<index>
          TxID: 'string',          // 64 hex
          Address: 'string',       // 0x + 40 hex, lower-case
          Bytes32: 'string',       // 0x + 64 hex, lower-case
          BigInt: 'string',        // uint256 as decimal text
          Time: 'string',          // RFC 3339
        },
        enumsAsTypes: true,
        avoidOptionals: { field: true },
      },
    },
  },
};

export default config;
