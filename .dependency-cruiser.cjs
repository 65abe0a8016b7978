// Layer rules, checked by `npm run deps:check` (dependency-cruiser) in CI. docs/architecture.md
// explains the layers and which way imports go.

/**
 * The only code allowed to import `ws` and `graphql-ws`: the real-time module (docs/realtime.md).
 * Tests and benchmarks drive sockets themselves.
 */
const REALTIME_MODULE = "^src/realtime/";
/**
 * The parts of the real-time module that speak GraphQL or sockets: the graphql-ws server options,
 * the `ws` adapter and the shared execution and delivery of subscription results. The rest (event
 * bus, presence, streams, socket admission) is domain-level and the rooms service builds on it.
 */
const REALTIME_EDGE = "^src/realtime/(server|index)[.]ts$|^src/realtime/(use|delivery)/";
/** The rest of the real-time module: event bus, presence, streams, socket sessions. */
const REALTIME_CORE = "^src/realtime/(bus|presence|streams|sessions)/";
const SOCKET_LIBRARIES = "(^|/)node_modules/(@types/)?(ws|graphql-ws)/";

/** What the API edge is made of: GraphQL schema and server, directives, the real-time edge, HTTP server. */
const API_EDGE = `^src/(graphql|schema|directives|server)/|${REALTIME_EDGE}`;

/**
 * The domain: services, the viewer and its credentials, the error catalogue and input validation,
 * and the real-time core (bus, presence, streams, sessions) the rooms service is built on.
 */
const DOMAIN = `^src/(services|identity)/|${REALTIME_CORE}|^src/(errors|validation)[.]ts$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle: modules that cannot be understood, tested or loaded one without the other.",
      from: {},
      to: { circular: true },
    },
    {
      name: "services-know-no-api",
      severity: "error",
      comment:
        "Domain services (src/services) and the real-time core they build on know nothing of GraphQL or " +
        "HTTP: they take the Viewer (src/identity) and throw plain AppErrors (src/errors.ts); the API edge maps those.",
      from: { path: ["^src/services/", REALTIME_CORE] },
      to: { path: API_EDGE },
    },
    {
      name: "domain-knows-no-graphql",
      severity: "error",
      comment:
        "Services, identity and the error catalogue throw plain AppErrors: the graphql package belongs to the API edge " +
        "(src/graphql/apiError.ts maps them).",
      from: { path: DOMAIN },
      to: { path: "(^|/)node_modules/graphql/" },
    },
    {
      name: "identity-knows-no-api-or-services",
      severity: "error",
      comment: "src/identity turns credentials into a Viewer for every transport: it imports no service and no API-edge code.",
      from: { path: "^src/identity/" },
      to: { path: ["^src/services/", API_EDGE] },
    },
    {
      name: "only-realtime-imports-socket-libraries",
      severity: "error",
      comment: `Only the real-time module (${REALTIME_MODULE}) speaks ws / graphql-ws; tests and benchmarks may too.`,
      from: { pathNot: [REALTIME_MODULE, "^bench/", "^test/"] },
      to: { path: SOCKET_LIBRARIES },
    },
    {
      name: "config-imports-no-services",
      severity: "error",
      comment: "Configuration is loaded before anything else is built: it imports no service.",
      from: { path: "^src/config/" },
      to: { path: "^src/services/" },
    },
    {
      name: "graphql-does-not-import-server",
      severity: "error",
      comment: "src/server composes the GraphQL server (src/graphql), never the other way round.",
      from: { path: "^src/graphql/" },
      to: { path: "^src/server/" },
    },
    {
      name: "plugins-import-no-plugin",
      severity: "error",
      comment:
        "A yoga/envelop plugin does not import another plugin: their order lives in one place " +
        "(src/graphql/pipeline.ts) and shared helpers in modules that are not plugins.",
      from: { path: "^src/graphql/plugins/use[^/]+[.]ts$" },
      to: { path: "^src/graphql/plugins/use[^/]+[.]ts$" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that resolves to nothing (a typo, or a package missing from package.json).",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/generated/" },
    // `import type` counts: a type-only cycle or layer breach is still a design dependency.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
