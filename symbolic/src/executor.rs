//! The wasmtime host: one engine per process, made on first use (so `ncsh -c true` never touches
//! wasmtime), programs compiled once and loaded from precompiled artifacts, and each run in a fresh
//! store with the grant's limits.

use std::sync::OnceLock;
use std::time::Duration;

use policy::Grant;
use policy::manifest::{Kind, Limits};
use wasmtime::component::{Component, ResourceTable};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module,
    PoolingAllocationConfig, Store, StoreLimits, StoreLimitsBuilder, Trap,
};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::bindings::sync::CommandPre;
use wasmtime_wasi::{I32Exit, WasiCtx, WasiCtxView, WasiView};

use crate::sandbox::{Invocation, wasi_context};
use crate::{ExecError, Outcome, Stop};

/// How often the wall-time clock ticks; a wall-time limit is rounded up to it.
const TICK: Duration = Duration::from_millis(10);

/// The process's wasmtime engine and the linkers for both kinds of capability.
pub struct Executor {
    engine: Engine,
    modules: Linker<ModuleHost>,
    components: wasmtime::component::Linker<ComponentHost>,
}

/// A capability ready to run: compiled, linked, and pre-instantiated.
pub enum Program {
    /// A WASI p1 command module.
    Module(InstancePre<ModuleHost>),
    /// A WASI p2 command component.
    Component(CommandPre<ComponentHost>),
}

/// A p1 module's store data.
pub struct ModuleHost {
    wasi: WasiP1Ctx,
    limits: StoreLimits,
    /// The directories the grant opens, which `ncsh.lstat` may describe.
    pub(crate) granted: Vec<std::path::PathBuf>,
}

/// A p2 component's store data.
pub struct ComponentHost {
    wasi: WasiCtx,
    table: ResourceTable,
    limits: StoreLimits,
}

impl WasiView for ComponentHost {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

static EXECUTOR: OnceLock<Result<Executor, String>> = OnceLock::new();

impl Executor {
    /// The process's executor, made on first use.
    ///
    /// # Errors
    /// When wasmtime cannot be set up on this machine.
    pub fn get() -> Result<&'static Executor, ExecError> {
        EXECUTOR
            .get_or_init(|| Executor::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| ExecError::Engine(e.clone()))
    }

    fn new() -> wasmtime::Result<Executor> {
        let engine = engine(true).or_else(|pooled| {
            // The pooling allocator reserves address space up front; where a limit on it forbids
            // that, instances are allocated one by one instead, a little slower.
            tracing::warn!("pooling allocator unavailable ({pooled}); allocating on demand");
            engine(false)
        })?;
        let ticker = engine.clone();
        std::thread::Builder::new()
            .name("ncsh-wasm-clock".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(TICK);
                    ticker.increment_epoch();
                }
            })?;
        let mut modules = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut modules, |host: &mut ModuleHost| {
            &mut host.wasi
        })?;
        crate::unix_stat::add_to_linker(&mut modules)?;
        let mut components = wasmtime::component::Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut components)?;
        Ok(Executor {
            engine,
            modules,
            components,
        })
    }

    /// What precompiled artifacts must match to be loaded by this engine (wasmtime's version and
    /// settings); part of their cache key.
    pub fn compatibility(&self) -> String {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.engine
            .precompile_compatibility_hash()
            .hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    }

    /// Compiles `wasm` of `kind` to native code for this engine, once, at install.
    ///
    /// # Errors
    /// When it is not valid WebAssembly of that kind.
    pub fn precompile(&self, wasm: &[u8], kind: Kind) -> Result<Vec<u8>, ExecError> {
        match kind {
            Kind::Module => self.engine.precompile_module(wasm),
            Kind::Component => self.engine.precompile_component(wasm),
        }
        .map_err(|e| ExecError::Compile(format!("{e:#}")))
    }

    /// Loads a precompiled artifact and links it.
    ///
    /// # Safety
    /// `artifact` is native code that will run in this process: it must be bytes that
    /// [`Executor::precompile`] produced, read back from ncsh's own store after checking them against
    /// their sha256. Anything else may do anything.
    ///
    /// # Errors
    /// When the artifact is for another engine, or its imports cannot be linked.
    pub unsafe fn load(&self, artifact: &[u8], kind: Kind) -> Result<Program, ExecError> {
        let link = |e: wasmtime::Error| ExecError::Link(format!("{e:#}"));
        match kind {
            Kind::Module => {
                // SAFETY: the caller vouches that the bytes came from `precompile` (see above).
                let module = unsafe { Module::deserialize(&self.engine, artifact) }
                    .map_err(|e| ExecError::Compile(format!("{e:#}")))?;
                is_a_command(&module)?;
                Ok(Program::Module(
                    self.modules.instantiate_pre(&module).map_err(link)?,
                ))
            }
            Kind::Component => {
                // SAFETY: as above.
                let component = unsafe { Component::deserialize(&self.engine, artifact) }
                    .map_err(|e| ExecError::Compile(format!("{e:#}")))?;
                let pre = self.components.instantiate_pre(&component).map_err(link)?;
                Ok(Program::Component(CommandPre::new(pre).map_err(link)?))
            }
        }
    }

    /// Compiles and links `wasm` in one go, for code that is not installed (contract examples at
    /// install time, tests).
    ///
    /// # Errors
    /// As [`Executor::precompile`] and [`Executor::load`].
    pub fn compile(&self, wasm: &[u8], kind: Kind) -> Result<Program, ExecError> {
        let artifact = self.precompile(wasm, kind)?;
        // SAFETY: the artifact was made by `precompile` just above, in this process.
        unsafe { self.load(&artifact, kind) }
    }

    /// Runs `program` as `invocation` says, under `grant` and `limits`.
    ///
    /// # Errors
    /// When the sandbox cannot be built (a granted directory is gone). A guest that traps or hits a
    /// limit is not an error: the [`Outcome`] says so.
    pub fn run(
        &self,
        program: &Program,
        invocation: Invocation,
        grant: &Grant,
        limits: &Limits,
    ) -> Result<Outcome, ExecError> {
        let deterministic = invocation.deterministic;
        let output_limit = u64::from(limits.max_output_kb) * 1024;
        let (mut wasi, budget) = wasi_context(invocation, grant, output_limit)?;
        let store_limits = StoreLimitsBuilder::new()
            .memory_size(limits.memory_mb as usize * 1024 * 1024)
            .trap_on_grow_failure(true)
            .build();
        let fuel = match deterministic {
            Some(d) => d.fuel,
            None => limits.fuel.unwrap_or(u64::MAX),
        };
        let wall_ticks = match deterministic {
            // Deterministic runs are bounded by fuel alone: wall time differs run to run. (wasmtime
            // adds the current epoch to this, so it must leave room.)
            Some(_) => u64::MAX / 2,
            None => limits.wall_ms.div_ceil(TICK.as_millis() as u64) + 1,
        };
        let result = match program {
            Program::Module(pre) => {
                let host = ModuleHost {
                    wasi: wasi.build_p1(),
                    limits: store_limits,
                    granted: grant.read.iter().chain(&grant.write).cloned().collect(),
                };
                let mut store = Store::new(&self.engine, host);
                prepare(&mut store, fuel, wall_ticks)?;
                store.limiter(|host| &mut host.limits);
                let run = pre
                    .instantiate(&mut store)
                    .and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "_start"))
                    .and_then(|start| start.call(&mut store, ()));
                (
                    run.map(|()| 0),
                    fuel.saturating_sub(store.get_fuel().unwrap_or(0)),
                )
            }
            Program::Component(pre) => {
                let host = ComponentHost {
                    wasi: wasi.build(),
                    table: ResourceTable::new(),
                    limits: store_limits,
                };
                let mut store = Store::new(&self.engine, host);
                prepare(&mut store, fuel, wall_ticks)?;
                store.limiter(|host| &mut host.limits);
                let run = pre
                    .instantiate(&mut store)
                    .and_then(|command| command.wasi_cli_run().call_run(&mut store))
                    .map(|result| if result.is_ok() { 0 } else { 1 });
                (run, fuel.saturating_sub(store.get_fuel().unwrap_or(0)))
            }
        };
        let (run, fuel_used) = result;
        let stop = |stop: Stop| Outcome {
            status: stop.status(),
            fuel_used,
            stopped: Some(stop),
        };
        if budget.exceeded() {
            return Ok(stop(Stop::Output(limits.max_output_kb)));
        }
        Ok(match run {
            Ok(status) => Outcome {
                status,
                fuel_used,
                stopped: None,
            },
            Err(error) => {
                if let Some(exit) = error.downcast_ref::<I32Exit>() {
                    Outcome {
                        status: exit.0,
                        fuel_used,
                        stopped: None,
                    }
                } else {
                    stop(classify(&error, limits, deterministic.is_some()))
                }
            }
        })
    }
}

/// A run whose standard input and environment are given and whose output is kept: contract
/// examples, exact answers, recorded calls.
#[derive(Clone, Copy)]
pub struct InMemory<'a> {
    /// The command name.
    pub name: &'a str,
    /// Its arguments.
    pub args: &'a [String],
    /// Its standard input (reaching it only if the grant allows).
    pub stdin: &'a [u8],
    /// Its environment (the variables the grant names reach it).
    pub env: &'a [(String, String)],
}

/// What an [`InMemory`] run gave.
pub struct Captured {
    /// Its standard output.
    pub stdout: Vec<u8>,
    /// Its standard error.
    pub stderr: Vec<u8>,
    /// How it ended.
    pub outcome: Outcome,
}

impl Executor {
    /// Runs `program` as `call` says, under `grant` and `limits`, keeping what it writes.
    ///
    /// # Errors
    /// As [`Executor::run`].
    pub fn run_in_memory(
        &self,
        program: &Program,
        call: InMemory<'_>,
        deterministic: Option<crate::Deterministic>,
        grant: &Grant,
        limits: &Limits,
    ) -> Result<Captured, ExecError> {
        let stdout = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let invocation = Invocation {
            name: call.name.to_owned(),
            args: call.args.to_vec(),
            stdin: crate::Input::Bytes(call.stdin.to_vec()),
            stdout: crate::Sink::Memory(stdout.clone()),
            stderr: crate::Sink::Memory(stderr.clone()),
            env: call.env.to_vec(),
            deterministic,
        };
        let outcome = self.run(program, invocation, grant, limits)?;
        let taken = |buffer: &std::sync::Mutex<Vec<u8>>| {
            std::mem::take(&mut *buffer.lock().unwrap_or_else(|p| p.into_inner()))
        };
        Ok(Captured {
            stdout: taken(&stdout),
            stderr: taken(&stderr),
            outcome,
        })
    }
}

fn engine(pooled: bool) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.consume_fuel(true);
    config.wasm_component_model(true);
    if pooled {
        let mut pool = PoolingAllocationConfig::default();
        pool.total_memories(64)
            .total_tables(64)
            .total_core_instances(64)
            .total_component_instances(32)
            .max_memory_size(4096 * 1024 * 1024);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    Engine::new(&config)
}

/// Sets a new store's fuel and wall-time deadline.
fn prepare<T: 'static>(store: &mut Store<T>, fuel: u64, wall_ticks: u64) -> Result<(), ExecError> {
    store
        .set_fuel(fuel)
        .map_err(|e| ExecError::Engine(e.to_string()))?;
    store.set_epoch_deadline(wall_ticks);
    Ok(())
}

/// Why a guest stopped, from the error its run ended with.
fn classify(error: &wasmtime::Error, limits: &Limits, deterministic: bool) -> Stop {
    let cause = error.root_cause().to_string();
    match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => Stop::WallTime(limits.wall_ms),
        Some(Trap::OutOfFuel) if deterministic || limits.fuel.is_some() => Stop::Fuel,
        // What `StoreLimits` says when `trap_on_grow_failure` turns a refused growth into a trap.
        _ if cause.starts_with("forcing trap when growing memory") => {
            Stop::Memory(limits.memory_mb)
        }
        Some(trap) => Stop::Trap(trap.to_string()),
        None => Stop::Trap(cause),
    }
}

/// Refuses a module that is no WASI command: a run calls its `_start`, so one without (a library,
/// or an empty module) would install and then crash at every call, as a component without a run
/// export is already refused by its linking.
fn is_a_command(module: &Module) -> Result<(), ExecError> {
    match module.get_export("_start") {
        Some(wasmtime::ExternType::Func(func))
            if func.params().len() == 0 && func.results().len() == 0 =>
        {
            Ok(())
        }
        Some(wasmtime::ExternType::Func(_)) => Err(ExecError::Link(
            "the module's `_start` takes or gives values, where a WASI program's takes and gives \
             none: build it as a WASI program with a `main` (a binary, not a library)"
                .into(),
        )),
        _ => Err(ExecError::Link(
            "the module has no `_start` function to run: build it as a WASI program with a \
             `main` (a binary, not a library)"
                .into(),
        )),
    }
}
