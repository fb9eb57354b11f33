"""Launching the sandbox from the trusted side: the isolation plan (bubblewrap, limits, cgroups) and the runner that talks to the zygote, the boxes and the children."""
