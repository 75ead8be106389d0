// prod-endpoint-protected: the engine's resource options (protect) and the stack name in the URN.
import { prodEndpointProtected as policy } from "../../policy/policies";
import { PROVIDER, UNKNOWN, runResource } from "./engine";

const ENDPOINT = "pulumi-nodejs:dynamic/custom-speech:Endpoint";
const props = { __provider: PROVIDER, locale: "en-US", model: "https://contoso.cognitiveservices.azure.com/speechtotext/models/00000000-0000-4000-8000-000000000011" };
const endpoint = (o: { stack: string; protect?: boolean; config?: object; props?: Record<string, unknown>; type?: string }) =>
  runResource(policy, { type: o.type ?? ENDPOINT, name: "speech-en-us-endpoint", parentType: "customspeech:index:LocalePipeline", props: o.props ?? props, stack: o.stack, protect: o.protect, config: o.config });

test("passes a protected endpoint in a prod stack", async () => {
  expect(await endpoint({ stack: "prod", protect: true })).toEqual({ violations: [], notApplicable: undefined, messages: [] });
});

test("fails an unprotected endpoint in a prod stack", async () => {
  expect((await endpoint({ stack: "prod-swedencentral", protect: false })).messages).toEqual([
    'Endpoint "speech-en-us-endpoint" in prod stack "prod-swedencentral" is not protected: a destroy, a removed locale or a replace would delete it, and applications ' +
      "lose its id and URL. Set protectEndpoints: true in the stack config, protectEndpoint: true on its LocalePipeline / LocaleReplica, " +
      "or { protect: true } on the Endpoint (not on the component: its Model would inherit it and a retrain could not replace it).",
  ]);
});

test("judges protect, which is always known, also while the endpoint's model is unknown", async () => {
  expect((await endpoint({ stack: "prod", protect: false, props: { ...props, model: UNKNOWN, locale: UNKNOWN } })).messages).toHaveLength(1);
  expect((await endpoint({ stack: "prod", protect: true, props: { ...props, model: UNKNOWN } })).messages).toEqual([]);
});

test("config: prodStackPattern decides which stacks are prod; other stacks and types are not applicable", async () => {
  expect((await endpoint({ stack: "dev", protect: false })).notApplicable).toBe('stack "dev" does not match prodStackPattern "prod*"');
  expect((await endpoint({ stack: "live-eu", protect: false, config: { prodStackPattern: "live-??" } })).messages).toHaveLength(1);
  expect((await endpoint({ stack: "prod", protect: false, config: { prodStackPattern: "live-??" } })).notApplicable).toBe('stack "prod" does not match prodStackPattern "live-??"');
  expect((await endpoint({ stack: "prod", type: "pulumi-nodejs:dynamic/custom-speech:Model" })).notApplicable).toBe(`only ${ENDPOINT} resources`);
});
