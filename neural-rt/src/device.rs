//! Where the model runs: the GPU when this build has the `cuda` feature and one is there, else the
//! CPU, silently and correctly. Whether a GPU is there is found at run time either way (cudarc loads
//! the driver library if it exists), so a build without `cuda` can say that it is not using one.

use candle_core::Device;

/// The device chosen, and its name for reports.
pub struct Chosen {
    /// The device.
    pub device: Device,
    /// `cpu` or `cuda:0`.
    pub name: String,
}

/// The GPU if this build can use one and one is there, else the CPU.
pub fn choose() -> Chosen {
    #[cfg(feature = "cuda")]
    if let Ok(device) = Device::new_cuda(0) {
        return Chosen {
            device,
            name: "cuda:0".to_owned(),
        };
    }
    Chosen {
        device: Device::Cpu,
        name: "cpu".to_owned(),
    }
}

/// NVIDIA GPUs on this machine, as the driver counts them; `Err` says why none could be counted.
pub fn gpus() -> Result<usize, String> {
    #[cfg(not(feature = "cuda"))]
    {
        // SAFETY: only tries to open the driver library by its usual names.
        if !unsafe { cudarc::driver::sys::is_culib_present() } {
            return Err("no NVIDIA driver library (libcuda) on this machine".to_owned());
        }
    }
    cudarc::driver::result::init().map_err(|e| format!("the NVIDIA driver did not start: {e}"))?;
    let count = cudarc::driver::result::device::get_count()
        .map_err(|e| format!("the NVIDIA driver cannot count devices: {e}"))?;
    Ok(usize::try_from(count).unwrap_or(0))
}

/// What `neural status` says about the GPU and the device in use.
pub fn describe(chosen: &Chosen) -> String {
    let built = cfg!(feature = "cuda");
    match (gpus(), built) {
        (Ok(n), true) if n > 0 => format!("{n} GPU(s) present; running on {}", chosen.name),
        (Ok(n), false) if n > 0 => format!(
            "{n} GPU(s) present, but this build has no `cuda` feature: running on the CPU \
             (build with `--features cuda` to use it)"
        ),
        (Ok(_), _) => "no GPU: running on the CPU".to_owned(),
        (Err(why), _) => format!("no GPU ({why}): running on the CPU"),
    }
}
