package gogen

import (
	"github.com/dave/jennifer/jen"

	"github.com/tickc/tickc/compiler/catalog"
	"github.com/tickc/tickc/compiler/ir"
	"github.com/tickc/tickc/compiler/types"
)

const autoscalePkg = "github.com/tickc/tickc/runtime/autoscale"

// autoscaleSections are the kapacitor.conf sections of the clusters the
// autoscale nodes talk to, and the runtime constructor of each client.
var autoscaleSections = map[string]struct{ section, client string }{
	"k8sAutoscale":   {"kubernetes", "NewK8s"},
	"swarmAutoscale": {"swarm", "NewSwarm"},
	"ec2Autoscale":   {"ec2", "NewEC2"},
}

// autoscale generates a k8sAutoscale, swarmAutoscale or ec2Autoscale
// node: the runtime node evaluates .replicas() on each point (each point
// of a batch), scales the resource through the .cluster()'s client, and
// returns a point with the old and new counts for each change, which goes
// to the children as a stream point.
func (ng *nodeGen) autoscale() []jen.Code {
	n := ng.n
	str := func(prop, def string) string {
		if p := n.Lookup(prop); p != nil {
			return p.Args[0].Str
		}
		return def
	}
	fields := map[string]jen.Code{"Min": jen.Lit(1)} // autoscale.Config
	if p := n.Lookup("min"); p != nil {
		fields["Min"] = jen.Lit(int(p.Args[0].Int))
	}
	if p := n.Lookup("max"); p != nil && p.Args[0].Int != 0 {
		fields["Max"] = jen.Lit(int(p.Args[0].Int))
	}
	for prop, field := range map[string]string{"increaseCooldown": "IncreaseCooldown", "decreaseCooldown": "DecreaseCooldown"} {
		if p := n.Lookup(prop); p != nil && p.Args[0].Dur != 0 {
			fields[field] = durationLit(p.Args[0].Dur)
		}
	}
	set := func(field, value string) {
		if value != "" {
			fields[field] = jen.Lit(value)
		}
	}
	set("CurrentField", str("currentField", ""))
	switch n.Kind {
	case "k8sAutoscale":
		set("Name", str("resourceName", ""))
		set("NameTag", str("resourceNameTag", ""))
		set("Namespace", str("namespace", ""))
		set("Kind", str("kind", "deployments"))
		set("NamespaceTag", str("namespaceTag", "namespace"))
		set("KindTag", str("kindTag", "kind"))
		set("NameOutTag", str("resourceTag", "resource"))
	case "swarmAutoscale":
		autoscaleName(n, set, "serviceName", "serviceNameTag", "outputServiceNameTag")
	case "ec2Autoscale":
		autoscaleName(n, set, "groupName", "groupNameTag", "outputGroupNameTag")
	}
	cfg := jen.Dict{}
	for k, v := range fields {
		cfg[jen.Id(k)] = v
	}
	sec := autoscaleSections[n.Kind]
	node, scaler := n.Name+"Node", n.Name+"Scaler"
	pos := ng.g.pos[n.ID]
	ng.g.addField(node, jen.Op("*").Qual(autoscalePkg, "Node"))
	ng.g.setup(true,
		jen.List(jen.Id(scaler), jen.Err()).Op(":=").Qual(autoscalePkg, sec.client).Call(jen.Id("env").Dot("Config"), jen.Lit(str("cluster", ""))),
		ng.mergeInitErr(),
		jen.List(jen.Id("t").Dot(node), jen.Err()).Op("=").Qual(autoscalePkg, "New").Call(
			jen.Qual(autoscalePkg, "Config").Values(cfg), jen.Id(scaler), jen.Id("t").Dot("stats").Index(jen.Lit(pos))),
		ng.mergeInitErr())
	replicas := ng.lambda("Replicas", n.Lookup("replicas").Args[0].Lambda, types.Unknown, nil)
	// The lambda sees the point the runtime hands it (with the current
	// count as .currentField()) and the group's state.
	eval := jen.Func().Params(jen.Id("p").Op("*").Qual(pipelinePkg, "Point")).Params(jen.Qual(pipelinePkg, "Value"), jen.Error()).Block(
		jen.Return(ng.callLambda(replicas)))
	// skip leaves the point: return from a stream node, continue with the
	// next point of a batch.
	handle := func(pt jen.Code, skip jen.Code) []jen.Code {
		return append([]jen.Code{
			jen.List(jen.Id("e"), jen.Err()).Op(":=").Id("t").Dot(node).Dot("Handle").Call(pt, eval),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("errs").Dot("Report").Call(jen.Lit(pos), jen.Err()), skip),
			jen.If(jen.Id("e").Op("==").Nil()).Block(skip),
		}, ng.send(jen.Id("e"))...)
	}
	if ng.in == catalog.BatchEdge {
		// Each point of the batch, with the batch's measurement and group,
		// as Kapacitor's autoscale node handles a batch point.
		return []jen.Code{
			ng.deferGroup(jen.Id("b").Dot("Group")),
			jen.For(jen.Id("i").Op(":=").Range().Id("b").Dot("Points")).Block(append([]jen.Code{
				jen.Id("bp").Op(":=").Id("b").Dot("Points").Index(jen.Id("i")),
				jen.List(jen.Id("bp").Dot("Name"), jen.Id("bp").Dot("Group")).Op("=").List(jen.Id("b").Dot("Name"), jen.Id("b").Dot("Group")),
			}, handle(jen.Op("&").Id("bp"), jen.Continue())...)...),
		}
	}
	return append([]jen.Code{ng.deferGroup(jen.Id("p").Dot("Group"))}, handle(jen.Id("p"), jen.Return())...)
}

// autoscaleName sets the resource name properties of swarmAutoscale and
// ec2Autoscale: the output tag defaults to the name tag, as in Kapacitor.
func autoscaleName(n *ir.Node, set func(field, value string), name, nameTag, outTag string) {
	str := func(prop string) string {
		if p := n.Lookup(prop); p != nil {
			return p.Args[0].Str
		}
		return ""
	}
	set("Name", str(name))
	set("NameTag", str(nameTag))
	out := str(outTag)
	if out == "" {
		out = str(nameTag)
	}
	set("NameOutTag", out)
}
