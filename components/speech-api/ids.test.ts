import { idFromSelf, ref } from "./ids";

describe("entity ids and references", () => {
  it("take the id of a Model, base model or copy Operation from its self URI", () => {
    expect(idFromSelf("https://westus.api.cognitive.microsoft.com/speechtotext/models/827712a5-f942-4997-91c3-7c6cde35600b?api-version=2025-10-15")).toBe(
      "827712a5-f942-4997-91c3-7c6cde35600b",
    );
    expect(idFromSelf("http://127.0.0.1:4000/speech/speechtotext/models/base/e065c68b/")).toBe("e065c68b");
    expect(idFromSelf("https://x/speechtotext/operations/models/copy/op-1#frag")).toBe("op-1");
  });

  it("refuse something that is not an entity URI", () => {
    expect(() => idFromSelf("")).toThrow(/idFromSelf: expected an entity URI/);
    expect(() => idFromSelf("https://x/speechtotext/models/abc:copy")).toThrow(/expected an entity URI/);
  });

  it("build the {self} reference the API uses between entities", () => {
    expect(ref("https://x/speechtotext/datasets/1")).toEqual({ self: "https://x/speechtotext/datasets/1" });
  });
});
