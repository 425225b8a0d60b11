// Python run before generated load code in the tests: a `model` whose load_state_dict keeps what
// it is given (as `model.sd`), so the test can compare it with torch's own load.
export const MODEL_STUB = `
import json, torch
class Model:
    def load_state_dict(self, sd):
        self.sd = dict(sd)
    def eval(self):
        return self
model = Model()
`;
