"""What touches the machine, beside the two synth apps: the commands the Makefile runs (they
call gcloud, kubectl, terraform, or write files on the operator's behalf) and the plumbing both
apps' entry points share (atomic publishing of their output, the Node.js jsii runs, the one way
a command reports bad input). It reads the settings model; it never imports infra/ or k8s/, and
importing it runs nothing."""
