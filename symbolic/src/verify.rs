//! The verification pipeline that `policy` calls before an install or upgrade commits: the structural
//! checks and the signature, then the code compiled (once, for good: the artifact is kept with the install), then every
//! contract example run in the sandbox the grant builds, byte for byte.

use std::collections::BTreeMap;

use policy::{Grant, Manifest, Precompiled, Verified, Verifier, VerifyError, check_binary};

use crate::{Executor, InMemory};

/// The full pipeline, run with the process's [`Executor`].
pub struct Sandboxed;

impl Verifier for Sandboxed {
    fn verify(
        &self,
        manifest: &Manifest,
        grant: &Grant,
        wasm: &[u8],
        rules: &BTreeMap<String, String>,
    ) -> Result<Verified, VerifyError> {
        // An untrusted binary runs nothing, not even its contract examples.
        let signature = check_binary(manifest, grant, wasm, rules)?;
        let unrunnable = |message: String| VerifyError::Unrunnable {
            capability: manifest.name.clone(),
            message,
        };
        let executor = Executor::get().map_err(|e| unrunnable(e.to_string()))?;
        let artifact = executor
            .precompile(wasm, manifest.kind)
            .map_err(|e| unrunnable(e.to_string()))?;
        // SAFETY: the artifact was compiled just above by this process's engine.
        let program = unsafe { executor.load(&artifact, manifest.kind) }
            .map_err(|e| unrunnable(e.to_string()))?;
        for (index, example) in manifest.contract.iter().enumerate() {
            let call = InMemory {
                name: &manifest.name,
                args: &example.args,
                stdin: example.stdin.as_bytes(),
                env: &[],
            };
            let ran = executor
                .run_in_memory(&program, call, None, grant, &manifest.limits)
                .map_err(|e| unrunnable(e.to_string()))?;
            let (got, outcome) = (String::from_utf8_lossy(&ran.stdout), ran.outcome);
            if got != example.stdout || outcome.status != i32::from(example.status) {
                let stopped = outcome
                    .stopped
                    .map(|stop| format!(" ({})", stop.message(&manifest.name)))
                    .unwrap_or_default();
                return Err(VerifyError::Contract {
                    capability: manifest.name.clone(),
                    index,
                    args: example.args.clone(),
                    expected: format!("stdout {:?} and status {}", example.stdout, example.status),
                    got: format!("stdout {got:?} and status {}{stopped}", outcome.status),
                });
            }
        }
        Ok(Verified {
            signature,
            precompiled: Some(Precompiled {
                engine: executor.compatibility(),
                artifact,
            }),
        })
    }
}
