// ESM entry point of `oko`: the same native binding as the CommonJS `index.js`, with named
// exports. A test checks that it exports everything `index.js` does.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const oko = require('./index.js')

export const { Dataset, aggregate, aggregateAsync, generate, indicatorCatalogue } = oko
export default oko
