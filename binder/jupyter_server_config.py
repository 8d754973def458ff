"""Jupyter Server settings for Binder and JupyterHub deployments of the notebooks.

ipywidgets' FileUpload sends a whole file in one websocket message. Tornado's default limit is
10 MiB and a bigger message is dropped without an error. 100 MiB leaves room for ordinary
phone clips while keeping a pod with 2 GB of memory safe; bigger files go through JupyterLab's
file browser, which uploads in chunks.
"""

c = get_config()  # noqa: F821 (provided by the config loader)

# update(), not assignment: a merge keeps tornado settings given elsewhere (JupyterHub and
# BinderHub pass their own).
c.ServerApp.tornado_settings.update({"websocket_max_message_size": 100 * 1024 * 1024})

# Behind Binder's proxy the client address and scheme arrive in X-Forwarded-* headers.
c.ServerApp.trust_xheaders = True
